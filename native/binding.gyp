{
  "targets": [
    {
      "target_name": "random_erasing_native",
      "sources": ["src/addon.cc", "src/conv.cc", "src/batch_norm.cc", "src/elementwise.cc", "src/parallel.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-ffp-contract=off", "-fopenmp", "-pthread"],
      "libraries": ["-ldnnl", "-fopenmp", "-pthread"]
    }
  ]
}
