package bankledger

import (
	"errors"
	"reflect"
	"testing"
)

// A compile-time check that *Ledger implements Account.
var _ Account = (*Ledger)(nil)

func TestNewLedgerStartsEmpty(t *testing.T) {
	l := NewLedger()
	if got := l.Balance(); got != 0 {
		t.Fatalf("Balance() = %d, want 0", got)
	}
	if got := l.History(); len(got) != 0 {
		t.Fatalf("History() = %v, want no entries", got)
	}
}

func TestDepositsAddUp(t *testing.T) {
	l := NewLedger()
	for _, cents := range []int64{250, 1000, 1} {
		if err := l.Deposit(cents); err != nil {
			t.Fatalf("Deposit(%d) returned %v", cents, err)
		}
	}
	if got := l.Balance(); got != 1251 {
		t.Fatalf("Balance() = %d, want 1251", got)
	}
}

func TestWithdrawalReducesBalance(t *testing.T) {
	l := NewLedger()
	mustDeposit(t, l, 500)
	if err := l.Withdraw(120); err != nil {
		t.Fatalf("Withdraw(120) returned %v", err)
	}
	if got := l.Balance(); got != 380 {
		t.Fatalf("Balance() = %d, want 380", got)
	}
}

func TestWithdrawingEverythingIsAllowed(t *testing.T) {
	l := NewLedger()
	mustDeposit(t, l, 75)
	if err := l.Withdraw(75); err != nil {
		t.Fatalf("Withdraw(75) returned %v", err)
	}
	if got := l.Balance(); got != 0 {
		t.Fatalf("Balance() = %d, want 0", got)
	}
}

func TestOverdraftIsRefused(t *testing.T) {
	l := NewLedger()
	mustDeposit(t, l, 100)
	if err := l.Withdraw(101); !errors.Is(err, ErrInsufficientFunds) {
		t.Fatalf("Withdraw(101) returned %v, want ErrInsufficientFunds", err)
	}
	if got := l.Balance(); got != 100 {
		t.Fatalf("Balance() = %d after a refused withdrawal, want 100", got)
	}
}

func TestNonPositiveAmountsAreRefused(t *testing.T) {
	tests := []struct {
		name string
		move func(*Ledger) error
	}{
		{"deposit zero", func(l *Ledger) error { return l.Deposit(0) }},
		{"deposit negative", func(l *Ledger) error { return l.Deposit(-40) }},
		{"withdraw zero", func(l *Ledger) error { return l.Withdraw(0) }},
		{"withdraw negative", func(l *Ledger) error { return l.Withdraw(-40) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := NewLedger()
			mustDeposit(t, l, 60)
			if err := tc.move(l); !errors.Is(err, ErrInvalidAmount) {
				t.Fatalf("got %v, want ErrInvalidAmount", err)
			}
			if got := l.Balance(); got != 60 {
				t.Fatalf("Balance() = %d after a refused movement, want 60", got)
			}
		})
	}
}

func TestHistoryListsAcceptedMovements(t *testing.T) {
	l := NewLedger()
	mustDeposit(t, l, 300)
	_ = l.Withdraw(500)
	if err := l.Withdraw(50); err != nil {
		t.Fatalf("Withdraw(50) returned %v", err)
	}
	_ = l.Deposit(0)
	want := []Entry{{Amount: 300, Balance: 300}, {Amount: -50, Balance: 250}}
	got := l.History()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("History() = %v, want %v", got, want)
	}
	got[0].Amount = 1
	if again := l.History(); !reflect.DeepEqual(again, want) {
		t.Fatalf("changing the returned slice changed the ledger: %v", again)
	}
}

func mustDeposit(t *testing.T, l *Ledger, cents int64) {
	t.Helper()
	if err := l.Deposit(cents); err != nil {
		t.Fatalf("Deposit(%d) returned %v", cents, err)
	}
}
