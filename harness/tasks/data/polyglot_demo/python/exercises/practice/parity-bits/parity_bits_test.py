import unittest

from parity_bits import (
    damaged_blocks,
    parity_bit,
    protect,
)


class ParityBitsTest(unittest.TestCase):
    def test_parity_bit_counts_ones(self):
        self.assertEqual(parity_bit("1011"), "1")
        self.assertEqual(parity_bit("1001"), "0")
        self.assertEqual(parity_bit(""), "0")

    def test_protect_appends_a_bit_to_every_block(self):
        self.assertEqual(protect("10110000"), "1011100000")

    def test_protect_with_another_block_size(self):
        self.assertEqual(protect("111000", size=3), "11110000")

    def test_protect_refuses_other_characters(self):
        with self.assertRaises(ValueError) as err:
            protect("10201111")
        self.assertEqual(type(err.exception), ValueError)
        self.assertEqual(err.exception.args[0], "data must contain only 0 and 1")

    def test_protect_refuses_a_partial_block(self):
        with self.assertRaises(ValueError) as err:
            protect("101")
        self.assertEqual(type(err.exception), ValueError)
        self.assertEqual(err.exception.args[0], "data length must be a multiple of the block size")

    def test_intact_code_has_no_damaged_blocks(self):
        self.assertEqual(damaged_blocks(protect("0110100111110000")), [])

    def test_flipped_bits_are_located_by_block(self):
        code = list(protect("0110100111110000"))
        code[2] = "1" if code[2] == "0" else "0"
        code[14] = "1" if code[14] == "0" else "0"
        self.assertEqual(damaged_blocks("".join(code)), [0, 2])

    def test_damaged_blocks_refuses_a_truncated_code(self):
        with self.assertRaises(ValueError) as err:
            damaged_blocks("1011")
        self.assertEqual(type(err.exception), ValueError)
        self.assertEqual(err.exception.args[0], "code length must be a multiple of the block size plus one")
