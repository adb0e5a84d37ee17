#if !defined(RUN_LENGTH_H)
#define RUN_LENGTH_H

namespace run_length {

}  // namespace run_length

#endif  // RUN_LENGTH_H
