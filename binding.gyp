# node-gyp build of the same addon that CMakeLists.txt builds with cmake-js. The source lists
# come from cpp/sources.gypi (shared with CMake, one list, not two); only the AVX2 and AVX-512
# files get ISA flags, through their own static libraries, so the binary loads on any x86-64 CPU.
{
  "includes": ["cpp/sources.gypi"],
  "target_defaults": {
    "cflags_cc": ["-std=c++17", "-O3", "-fno-math-errno", "-fexceptions", "-Wno-unused-parameter"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++1y", "-std=gnu++17"],
    "include_dirs": ["cpp", "<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
    "xcode_settings": {"GCC_ENABLE_CPP_EXCEPTIONS": "YES", "CLANG_CXX_LANGUAGE_STANDARD": "c++17"},
    "conditions": [
      ["target_arch=='x64'", {"defines": ["LITEINFER_HAVE_AVX2=1"]}]
    ]
  },
  "targets": [
    {
      "target_name": "liteinfer_avx2",
      "type": "static_library",
      "conditions": [
        ["target_arch=='x64'", {
          "sources": ["<@(liteinfer_avx2_sources)"],
          "cflags_cc": ["-mavx2", "-mfma", "-mf16c"]
        }]
      ]
    },
    {
      "target_name": "liteinfer_avx512",
      "type": "static_library",
      "conditions": [
        ["target_arch=='x64'", {
          "sources": ["<@(liteinfer_avx512_sources)"],
          "cflags_cc": ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma", "-mf16c"]
        }]
      ]
    },
    {
      "target_name": "liteinfer",
      "dependencies": ["liteinfer_avx2", "liteinfer_avx512"],
      "sources": ["<@(liteinfer_engine_sources)", "<@(liteinfer_napi_sources)"]
    }
  ]
}
