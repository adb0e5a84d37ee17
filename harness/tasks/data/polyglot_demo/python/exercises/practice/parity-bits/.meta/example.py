def parity_bit(bits):
    return str(bits.count("1") % 2)


def _blocks(text, size):
    return [text[i : i + size] for i in range(0, len(text), size)]


def protect(data, size=4):
    if set(data) - {"0", "1"}:
        raise ValueError("data must contain only 0 and 1")
    if len(data) % size:
        raise ValueError("data length must be a multiple of the block size")
    return "".join(block + parity_bit(block) for block in _blocks(data, size))


def damaged_blocks(code, size=4):
    if len(code) % (size + 1):
        raise ValueError("code length must be a multiple of the block size plus one")
    return [index for index, block in enumerate(_blocks(code, size + 1)) if parity_bit(block) != "0"]
