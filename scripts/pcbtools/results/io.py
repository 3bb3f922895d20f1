"""results.io: what the scripts refuse, where they write, what they print.

The lowest layer of pcbtools (results.names, results.read and pcblib
build on it):

- BadInput, the one exception for input the scripts refuse; its message
  is one line, and pcblib.run() prints it and exits 2.
- Outputs.  Every file a script writes goes through check_output() --
  before any work, so that a bad path is refused at once -- and then
  write_atomic(): a temporary in the same folder, renamed over the path.
  check_output() applies the rules of pcbench's --out (bench/cli/cli.c,
  take_path): the path must name a file (not "", ".", "..", or a folder
  ending in "/"), in an existing folder the script may write; its name
  at most NAME_MAX bytes, and it and the temporary beside it shorter than
  PATH_MAX; and whatever is there now must be a regular file -- a device
  node, a FIFO, a socket, a directory or a symbolic link (whatever it
  points at) is refused, because the rename would replace it.  A folder
  a script writes into (report --out-dir, history plot --out, history add
  --dir) goes through check_out_folder(), and each file in it through
  check_output().  The temporary's name does not derive from the output's
  (.pcbench-XXXXXXXX.tmp), so any name that fits fits its temporary.
- The terminal.  Text from a results file (entry names, context strings)
  may hold escape sequences, carriage returns or other control characters;
  run() wraps stdout and stderr in Escaping, which writes each of them as
  a visible escape (ESC as \\x1b, CR as \\r) and passes newlines and
  everything printable through.  Nothing a script prints can move the
  cursor, clear the screen or retitle the window.
"""
import os
import stat
import sys
import tempfile

PATH_MAX = 4096           # Linux: bytes in a path, with its final NUL
NAME_MAX = 255            # bytes in one name, where pathconf cannot say
TMP_PREFIX, TMP_SUFFIX = ".pcbench-", ".tmp"
TMP_LEN = len(TMP_PREFIX) + 8 + len(TMP_SUFFIX)  # mkstemp: 8 random
OUT_ALLOWED = "allowed: a regular file, or a new name in a writable folder"


class BadInput(Exception):
    """Input the scripts refuse; the message is one line for stderr."""


def shown(path, n=80):
    """A path for a one-line message: at most n characters."""
    text = str(path)
    return text if len(text) <= n else text[:n] + "..."


def _kind(mode):
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device node"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _name_max(folder):
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return NAME_MAX


def check_output(path):
    """Refuse an output path pcbench's --out would refuse (see the module
    docstring); returns the path."""
    text = str(path)
    base = os.path.basename(text)
    if not text or base in ("", ".", ".."):
        raise BadInput(f"{shown(text)!r}: not a file name; {OUT_ALLOWED}")
    full = os.path.abspath(text)
    folder = os.path.dirname(full)
    name_max = _name_max(folder) if os.path.isdir(folder) else NAME_MAX
    if len(os.fsencode(base)) > name_max or \
            max(len(os.fsencode(full)),
                len(os.fsencode(folder)) + 1 + TMP_LEN) >= PATH_MAX:
        raise BadInput(f"{shown(text)}: too long; allowed: names of up to "
                       f"{name_max} bytes, paths of up to "
                       f"{PATH_MAX - 2 - TMP_LEN}")
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK | os.X_OK):
        raise BadInput(f"{shown(text)}: folder {shown(folder)} does not "
                       f"exist or is not writable; {OUT_ALLOWED}")
    try:
        mode = os.lstat(text).st_mode
    except FileNotFoundError:
        return path
    except OSError as e:
        raise BadInput(f"{shown(text)}: cannot look at it ({e.strerror}); "
                       f"{OUT_ALLOWED}") from None
    if not stat.S_ISREG(mode):
        raise BadInput(f"{shown(text)}: is {_kind(mode)}; {OUT_ALLOWED}")
    return path


def check_out_folder(path, create=False):
    """Refuse an output folder that is not one: it must be a directory (a
    symbolic link to one is followed: results/latest is one), or, with
    create, absent (it is made when written).  Returns the path."""
    text = str(path)
    if not text:
        raise BadInput("'': not a folder name; allowed: an existing folder"
                       + (", or a new one" if create else ""))
    if len(os.fsencode(os.path.abspath(text))) + 1 + NAME_MAX >= PATH_MAX:
        raise BadInput(f"{shown(text)}: too long; allowed: folders whose "
                       f"path leaves room for names of {NAME_MAX} bytes")
    if os.path.isdir(text):
        if not os.access(text, os.W_OK | os.X_OK):
            raise BadInput(f"{shown(text)}: folder not writable; allowed: "
                           "a writable folder")
        return path
    if os.path.lexists(text):
        raise BadInput(f"{shown(text)}: is {_kind(os.lstat(text).st_mode)}"
                       "; allowed: a folder" + (", or a new name"
                                                if create else ""))
    if not create:
        raise BadInput(f"{shown(text)}: folder does not exist; allowed: an "
                       "existing folder")
    return path


def write_atomic(path, data):
    """Write str or bytes to path through a temporary in the same folder,
    renamed over it; the path is checked again (check_output) first."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    check_output(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=TMP_PREFIX,
                                   suffix=TMP_SUFFIX)
    except OSError as e:
        raise BadInput(f"{shown(path)}: cannot write ({e.strerror}); "
                       f"{OUT_ALLOWED}") from None
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        check_output(path)  # nothing else took its place meanwhile
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ---- the terminal ----------------------------------------------------------

# Bidirectional overrides and isolates reorder what follows them on screen.
_BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))


def escape_controls(text):
    """text with every control character but newline as a visible escape
    (\\x1b, \\r, \\t, \\x7f, \\x9b, \\u202e)."""
    out = []
    for c in text:
        o = ord(c)
        if c == "\n" or (o >= 0x20 and not 0x7F <= o <= 0x9F
                         and o not in _BIDI):
            out.append(c)
        else:
            out.append({"\r": "\\r", "\t": "\\t"}.get(
                c, f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"))
    return "".join(out)


class Escaping:
    """A text stream that writes through escape_controls()."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        return self._stream.write(escape_controls(text))

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def escape_terminal():
    """Wrap sys.stdout and sys.stderr in Escaping (once)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, Escaping):
            setattr(sys, name, Escaping(stream))
