#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a gzipped newc initramfs from a spec, without root.

usage: mkinitramfs.py OUT.cpio.gz SPEC

SPEC lines, as the kernel's gen_init_cpio takes them:
    dir   <path> <mode>
    file  <path> <source> <mode>
    nod   <path> <mode> c|b <major> <minor>
    slink <path> <target> <mode>
Everything is owned by root. Blank lines and #-comments are ignored.
"""
import gzip
import stat
import sys


def entry(out, ino, path, mode, data=b"", rmajor=0, rminor=0):
    name = path.lstrip("/").encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rmajor, rminor,
              len(name), 0]
    out.write(b"070701" + b"".join(b"%08x" % f for f in fields))
    out.write(name)
    out.write(b"\0" * (-(110 + len(name)) % 4))
    out.write(data)
    out.write(b"\0" * (-len(data) % 4))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out_path, spec_path = sys.argv[1:]
    with open(spec_path) as f:
        lines = [l.split() for l in f if l.strip() and not l.startswith("#")]
    with gzip.open(out_path, "wb", compresslevel=1) as out:
        for ino, f in enumerate(lines, start=1):
            kind, path = f[0], f[1]
            if kind == "dir":
                entry(out, ino, path, stat.S_IFDIR | int(f[2], 8))
            elif kind == "file":
                with open(f[2], "rb") as src:
                    entry(out, ino, path, stat.S_IFREG | int(f[3], 8),
                          src.read())
            elif kind == "nod":
                typ = stat.S_IFCHR if f[3] == "c" else stat.S_IFBLK
                entry(out, ino, path, typ | int(f[2], 8),
                      rmajor=int(f[4]), rminor=int(f[5]))
            elif kind == "slink":
                entry(out, ino, path, stat.S_IFLNK | int(f[3], 8),
                      f[2].encode())
            else:
                sys.exit("mkinitramfs: unknown spec line: " + " ".join(f))
        entry(out, 0, "TRAILER!!!", 0)


if __name__ == "__main__":
    main()
