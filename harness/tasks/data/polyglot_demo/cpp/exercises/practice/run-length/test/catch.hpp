// harness shim: Catch itself is not shipped; Debian's catch2 2.13 package provides this header.
#include <catch2/catch.hpp>
