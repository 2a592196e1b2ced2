# SPDX-License-Identifier: Apache-2.0
# Finds every dependency from its Debian package. A missing one is a configure error that names
# the apt package to install, so nobody has to guess.

find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
    message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config")
endif()

function(smimekit_require found package)
    if(NOT ${found})
        message(FATAL_ERROR "missing dependency: apt-get install ${package}")
    endif()
endfunction()

find_package(OpenSSL 3.0 QUIET COMPONENTS Crypto)
smimekit_require(OpenSSL_FOUND libssl-dev)

pkg_check_modules(BOTAN QUIET IMPORTED_TARGET botan-2)
smimekit_require(BOTAN_FOUND libbotan-2-dev)
add_library(smimekit::botan ALIAS PkgConfig::BOTAN)

find_package(SQLite3 QUIET)
smimekit_require(SQLite3_FOUND libsqlite3-dev)

find_package(Boost 1.74 QUIET COMPONENTS program_options)
smimekit_require(Boost_FOUND libboost-program-options-dev)

find_package(nlohmann_json 3.10 QUIET)
smimekit_require(nlohmann_json_FOUND nlohmann-json3-dev)

find_package(Threads REQUIRED)

if(BUILD_TESTING)
    find_package(doctest QUIET)
    smimekit_require(doctest_FOUND doctest-dev)
endif()
