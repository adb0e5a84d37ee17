package bankledger

// Ledger keeps the balance of one account. Add the fields it needs.
type Ledger struct {
}

func NewLedger() *Ledger {
	panic("delete this panic and implement NewLedger")
}

func (l *Ledger) Deposit(cents int64) error {
	panic("delete this panic and implement Deposit")
}

func (l *Ledger) Withdraw(cents int64) error {
	panic("delete this panic and implement Withdraw")
}

func (l *Ledger) Balance() int64 {
	panic("delete this panic and implement Balance")
}

func (l *Ledger) History() []Entry {
	panic("delete this panic and implement History")
}
