#include "run_length.h"

#include <cctype>
#include <cstddef>
#include <stdexcept>

namespace run_length {

namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string encode(const std::string& text) {
    std::string packed;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t j = i;
        while (j < text.size() && text[j] == text[i]) {
            ++j;
        }
        packed += text[i];
        packed += std::to_string(j - i);
        i = j;
    }
    return packed;
}

std::string decode(const std::string& packed) {
    std::string text;
    std::size_t i = 0;
    while (i < packed.size()) {
        const char symbol = packed[i];
        if (is_digit(symbol)) {
            throw std::invalid_argument("count without a character");
        }
        std::size_t j = i + 1;
        std::size_t count = 0;
        while (j < packed.size() && is_digit(packed[j])) {
            count = count * 10 + static_cast<std::size_t>(packed[j] - '0');
            ++j;
        }
        if (j == i + 1) {
            throw std::invalid_argument("character without a count");
        }
        if (count == 0) {
            throw std::invalid_argument("count of zero");
        }
        text.append(count, symbol);
        i = j;
    }
    return text;
}

}  // namespace run_length
