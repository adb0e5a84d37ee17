module bankledger

go 1.18
