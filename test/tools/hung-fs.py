# A file system that is slow to read, as a hung or overloaded NFS or FUSE mount is: "key" is a
# regular 0600 file of 16 bytes whose every read waits forever, "slow" one whose read answers after
# SLOW_SECONDS. test/tools/key-file.tools.ts mounts it with Debian's python3-fusepy and points
# STABILITY_API_KEY_FILE at them.
# Usage: /usr/bin/python3 test/tools/hung-fs.py <mount point>
import errno
import stat
import sys
import threading
import time

from fusepy import FUSE, FuseOSError, Operations


SLOW_SECONDS = 3
SLOW_KEY = b"sk-slow-key-0123\n"


class Hung(Operations):
    def getattr(self, path, fh=None):
        now = time.time()
        times = dict(st_ctime=now, st_mtime=now, st_atime=now)
        if path == "/":
            return dict(st_mode=stat.S_IFDIR | 0o700, st_nlink=2, **times)
        if path == "/key":
            return dict(st_mode=stat.S_IFREG | 0o600, st_nlink=1, st_size=16, **times)
        if path == "/slow":
            return dict(st_mode=stat.S_IFREG | 0o600, st_nlink=1, st_size=len(SLOW_KEY), **times)
        raise FuseOSError(errno.ENOENT)

    def readdir(self, path, fh):
        return [".", "..", "key", "slow"]

    def read(self, path, size, offset, fh):
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
            return SLOW_KEY[offset : offset + size]
        threading.Event().wait()


FUSE(Hung(), sys.argv[1], foreground=True, nothreads=False)
