# A file system that never answers a read, as a hung NFS or FUSE mount does: one file, "key", a
# regular 0600 file of 16 bytes whose every read waits forever. test/tools/key-file.tools.ts mounts
# it with Debian's python3-fusepy and points STABILITY_API_KEY_FILE at the file.
# Usage: /usr/bin/python3 test/tools/hung-fs.py <mount point>
import errno
import stat
import sys
import threading
import time

from fusepy import FUSE, FuseOSError, Operations


class Hung(Operations):
    def getattr(self, path, fh=None):
        now = time.time()
        times = dict(st_ctime=now, st_mtime=now, st_atime=now)
        if path == "/":
            return dict(st_mode=stat.S_IFDIR | 0o700, st_nlink=2, **times)
        if path == "/key":
            return dict(st_mode=stat.S_IFREG | 0o600, st_nlink=1, st_size=16, **times)
        raise FuseOSError(errno.ENOENT)

    def readdir(self, path, fh):
        return [".", "..", "key"]

    def read(self, path, size, offset, fh):
        threading.Event().wait()


FUSE(Hung(), sys.argv[1], foreground=True, nothreads=False)
