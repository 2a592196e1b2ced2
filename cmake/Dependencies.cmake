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

find_package(Threads REQUIRED)

find_package(OpenSSL 3.0 QUIET COMPONENTS Crypto)
smimekit_require(OpenSSL_FOUND libssl-dev)

pkg_check_modules(BOTAN QUIET IMPORTED_TARGET botan-2)
smimekit_require(BOTAN_FOUND libbotan-2-dev)
# Botan is a large C++ library: linked dynamically, its relocations cost every run of smimekit
# a few milliseconds of start-up, although most commands never use it (performance.md, "Start-
# up"). Linked statically, only the objects the second validator needs come in. libbotan-2-dev
# ships the archive; its own dependencies (pkg-config --static) are system libraries.
option(SMIMEKIT_STATIC_BOTAN "Link Botan 2 statically (faster start-up)" ON)
find_library(BOTAN_STATIC_LIBRARY NAMES libbotan-2.a HINTS ${BOTAN_LIBRARY_DIRS})
if(SMIMEKIT_STATIC_BOTAN AND BOTAN_STATIC_LIBRARY)
    add_library(smimekit_botan_static STATIC IMPORTED)
    set_target_properties(smimekit_botan_static PROPERTIES
        IMPORTED_LOCATION ${BOTAN_STATIC_LIBRARY}
        INTERFACE_INCLUDE_DIRECTORIES "${BOTAN_INCLUDE_DIRS}"
        INTERFACE_LINK_LIBRARIES "bz2;lzma;z;rt;Threads::Threads;SQLite::SQLite3")
    add_library(smimekit::botan ALIAS smimekit_botan_static)
else()
    add_library(smimekit::botan ALIAS PkgConfig::BOTAN)
endif()

find_package(SQLite3 QUIET)
smimekit_require(SQLite3_FOUND libsqlite3-dev)

# Static for the same start-up reason; the archive is part of libboost-program-options-dev.
set(Boost_USE_STATIC_LIBS ON)
find_package(Boost 1.74 QUIET COMPONENTS program_options)
smimekit_require(Boost_FOUND libboost-program-options-dev)

find_package(nlohmann_json 3.10 QUIET)
smimekit_require(nlohmann_json_FOUND nlohmann-json3-dev)

if(BUILD_TESTING)
    find_package(doctest QUIET)
    smimekit_require(doctest_FOUND doctest-dev)
endif()
