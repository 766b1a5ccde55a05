//===- NoEntry.cpp - A library that is no plugin ----------------*- C++ -*-===//
extern "C" int myelinTestNotAPlugin() { return 42; }
