package bankledger

// Ledger keeps the balance of one account and the movements that produced it.
type Ledger struct {
	balance int64
	entries []Entry
}

// NewLedger returns a ledger with a zero balance.
func NewLedger() *Ledger {
	return &Ledger{}
}

// Deposit adds cents to the balance.
func (l *Ledger) Deposit(cents int64) error {
	if cents <= 0 {
		return ErrInvalidAmount
	}
	l.record(cents)
	return nil
}

// Withdraw takes cents out of the balance, never below zero.
func (l *Ledger) Withdraw(cents int64) error {
	if cents <= 0 {
		return ErrInvalidAmount
	}
	if cents > l.balance {
		return ErrInsufficientFunds
	}
	l.record(-cents)
	return nil
}

// Balance returns the current balance.
func (l *Ledger) Balance() int64 {
	return l.balance
}

// History returns a copy of the accepted movements, oldest first.
func (l *Ledger) History() []Entry {
	return append([]Entry(nil), l.entries...)
}

func (l *Ledger) record(amount int64) {
	l.balance += amount
	l.entries = append(l.entries, Entry{Amount: amount, Balance: l.balance})
}
