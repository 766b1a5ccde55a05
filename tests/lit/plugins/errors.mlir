// Plugins that cannot be loaded are errors naming the file and the reason;
// a plugin pass that breaks the IR is caught by the verifier, and the pass
// is named; a spec call that two plugin dialects could serve is ambiguous.
// The bad plugins (Inputs/bad-plugins) are built out of tree
// against an installed Myelin.
// RUN: rm -rf %t && mkdir -p %t
// RUN: cmake --install %myelin_obj_root --prefix %t/prefix > %t/install.log
// RUN: %plugin_cmake -S %S/Inputs/bad-plugins -B %t/build -DCMAKE_PREFIX_PATH=%t/prefix > %t/cmake.log
// RUN: ninja -C %t/build > %t/ninja.log
// RUN: not %t/prefix/bin/myelin-opt --load-pass-plugin=%t/missing.so %s 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not %t/prefix/bin/myelinc --load-dialect-plugin %t/missing.so %s 2>&1 | FileCheck %s --check-prefix=MISSING-DIALECT
// RUN: not %t/prefix/bin/myelin-opt --load-pass-plugin=%t/build/WrongApi.so %s 2>&1 | FileCheck %s --check-prefix=VERSION
// RUN: not %t/prefix/bin/myelinc --load-pass-plugin=%t/build/WrongApi.so %s 2>&1 | FileCheck %s --check-prefix=VERSION
// RUN: not %t/prefix/bin/myelin-opt --load-pass-plugin=%t/build/NoEntry.so %s 2>&1 | FileCheck %s --check-prefix=NOENTRY
// RUN: not %t/prefix/bin/myelinc --load-dialect-plugin=%t/build/NoEntry.so %s 2>&1 | FileCheck %s --check-prefix=NOENTRY-DIALECT
// RUN: not %t/prefix/bin/myelin-opt --load-pass-plugin=%t/build/Undefined.so %s 2>&1 | FileCheck %s --check-prefix=UNDEFINED
// RUN: not %t/prefix/bin/myelinc --load-dialect-plugin=%t/build/Twins.so %S/Inputs/relu6-call.nn --emit=nn 2>&1 | FileCheck %s --check-prefix=AMBIGUOUS
// RUN: not %t/prefix/bin/myelin-opt --load-pass-plugin=%t/build/BreakIR.so %s --test-break-ir 2>&1 | FileCheck %s --check-prefix=BREAK
// RUN: not %t/prefix/bin/myelinc --load-pass-plugin=%t/build/BreakIR.so %s --pass-after='lower-to-linalg:func.func(test-break-ir)' -o %t/train 2>&1 | FileCheck %s --check-prefix=BREAK-PIPELINE

// MISSING: myelin-opt: error: cannot load pass plugin '{{.*}}missing.so': no such file
// MISSING-DIALECT: myelinc: error: cannot load dialect plugin '{{.*}}missing.so': no such file
// VERSION: error: cannot load pass plugin '{{.*}}WrongApi.so': Wrong API version on plugin '{{.*}}WrongApi.so'. Got version 2, supported version is 1.
// NOENTRY: myelin-opt: error: cannot load pass plugin '{{.*}}NoEntry.so': it does not export 'mlirGetPassPluginInfo' (is it a pass plugin?)
// NOENTRY-DIALECT: myelinc: error: cannot load dialect plugin '{{.*}}NoEntry.so': it does not export 'mlirGetDialectPluginInfo' (is it a dialect plugin?)
// AMBIGUOUS: relu6-call.nn:4:7: error: 'relu6' is ambiguous: 'twin_a.relu6', 'twin_b.relu6'
// UNDEFINED: myelin-opt: error: cannot load pass plugin '{{.*}}Undefined.so': {{.*}}Undefined.so: undefined symbol: myelinTestMissingSymbol

// The verifier's error, then the pass that left the IR behind; in myelinc's
// pipeline too, where the pass runs on the lowered entry functions (in
// parallel: another function's verifier error may follow).
// BREAK: errors.mlir:{{[0-9]+}}:{{[0-9]+}}: error: block with no terminator
// BREAK: errors.mlir:[[# @LINE + 3]]:1: error: the IR is invalid after pass 'test-break-ir'
// BREAK-PIPELINE: errors.mlir:{{[0-9]+}}:{{[0-9]+}}: error: block with no terminator
// BREAK-PIPELINE: errors.mlir:[[# @LINE + 1]]:1: error: the IR is invalid after pass 'test-break-ir'
func.func @m() -> (tensor<f32> {nn.role = "loss"}, tensor<4xf32> {nn.role = "sample_loss"}, tensor<4x2xf32> {nn.role = "logits"}) attributes {nn.entry = "eval", nn.model, nn.train = {batch = 4 : i64, data_kind = "synthetic", seed = 1 : i64}} {
  %x = nn.input "x" : tensor<4x3xf32>
  %y = nn.label "y" : tensor<4xi32>
  %w = nn.param "w" init <he_normal> : tensor<3x2xf32>
  %h = nn.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %l = nn.softmax_cross_entropy %h, %y : (tensor<4x2xf32>, tensor<4xi32>) -> tensor<4xf32>
  %m = nn.mean %l : tensor<4xf32> -> tensor<f32>
  return %m, %l, %h : tensor<f32>, tensor<4xf32>, tensor<4x2xf32>
}
