def parity_bit(bits):
    pass


def protect(data, size=4):
    pass


def damaged_blocks(code, size=4):
    pass
