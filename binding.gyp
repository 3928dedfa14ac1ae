{
  "targets": [
    {
      "target_name": "modelspec_native",
      "sources": ["native/addon.cc", "native/conv.cc", "native/elementwise.cc", "native/gemm.cc", "native/pool.cc", "native/pool2d.cc", "native/softmax.cc"],
      "cflags_cc": ["-O3", "-ffp-contract=off", "-fvisibility=hidden"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS"]
    }
  ]
}
