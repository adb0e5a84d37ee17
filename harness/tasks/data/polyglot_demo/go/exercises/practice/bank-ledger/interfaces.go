package bankledger

import "errors"

// Entry is one accepted movement of money.
type Entry struct {
	// Amount is positive for a deposit and negative for a withdrawal.
	Amount int64
	// Balance is the account balance right after this movement.
	Balance int64
}

// Account is an account balance kept in whole cents.
type Account interface {
	// Deposit adds cents to the balance.
	Deposit(cents int64) error
	// Withdraw takes cents out of the balance.
	Withdraw(cents int64) error
	// Balance returns the current balance.
	Balance() int64
	// History returns the accepted movements, oldest first.
	History() []Entry
}

// ErrInvalidAmount is returned for a movement of zero or fewer cents.
var ErrInvalidAmount = errors.New("amount must be positive")

// ErrInsufficientFunds is returned for a withdrawal larger than the balance.
var ErrInsufficientFunds = errors.New("insufficient funds")
