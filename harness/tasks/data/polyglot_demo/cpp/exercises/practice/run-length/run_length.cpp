#include "run_length.h"

namespace run_length {

}  // namespace run_length
