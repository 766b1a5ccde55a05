#!/usr/bin/env python3
"""exit_code.py N CMD ARGS...: runs CMD, passes its stdout and stderr
through (stderr to stdout, so FileCheck sees both), and exits 0 only if CMD
exited with status N; otherwise prints a FAIL line and exits 1."""
import subprocess
import sys

want = int(sys.argv[1])
proc = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE,
                      stderr=subprocess.STDOUT)
sys.stdout.write(proc.stdout.decode(errors="replace"))
if proc.returncode != want:
    print("FAIL: exit status %d, expected %d" % (proc.returncode, want))
    sys.exit(1)
