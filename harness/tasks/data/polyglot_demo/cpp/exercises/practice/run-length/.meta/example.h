#if !defined(RUN_LENGTH_H)
#define RUN_LENGTH_H

#include <string>

namespace run_length {

std::string encode(const std::string& text);
std::string decode(const std::string& packed);

}  // namespace run_length

#endif  // RUN_LENGTH_H
