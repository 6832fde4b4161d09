"""Runs in the submission: each attempt returns "done", an errno name or a short finding."""

import ctypes, errno, json, os

def _try(action):
    try:
        return action() or "done"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))

def _append(path):
    return lambda: open(path, "a").write("# tampered\n") and None

def _create(path, text="import os\n"):
    return lambda: open(path, "w").write(text) and None

def _read(path):
    return lambda: open(path).read() and "read"

def _remount():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.mount(b"none", b"/", None, 32 | 4096, None) != 0:  # MS_REMOUNT | MS_BIND: read-write
        raise OSError(ctypes.get_errno(), "mount")

def _privileges():
    lines = dict(l.split(":\t", 1) for l in open("/proc/self/status").read().splitlines())
    return " ".join(f"{k}={lines[k].strip()}" for k in ("CapEff", "CapBnd", "NoNewPrivs"))

NAMES = ("solutions", "fx_ops", "hw1_mlp_numpy")

def _search():
    found = []
    for top in ("/root", "/home", "/work", "/srv", "/opt", "/var", "/usr", "/tmp"):
        for folder, dirs, files in os.walk(top):
            if os.getcwd() in folder:
                continue
            found += [os.path.join(folder, d) for d in dirs if d in NAMES]
    return "found " + ",".join(found)[:200] if found else "nothing"

def tamper():
    env = os.environ
    return {
        "pth_into_site_packages": _try(_create(env["AGT_SITE"] + "/agtamper.pth", "import os\n")),
        "append_to_kit_module": _try(_append(env["AGT_KIT_MODULE"])),
        "append_to_public_test": _try(_append(env["AGT_PUBLIC_TEST"])),
        "write_into_submissions": _try(_create(env["AGT_SUBMISSIONS"] + "/bob/fx_ops/ops.py")),
        "append_to_home_file": _try(_append(env["AGT_HOME_FILE"])),
        "read_reference_copy": _try(_read(env["AGT_COPY"])),
        "read_checkout_solutions": _try(_read(env["AGT_CHECKOUT_SOLUTION"])),
        "drop_module_in_tmp": _try(_create(env["AGT_DROPPED"])),
        "remount_root_writable": _try(_remount),
        "privileges": _privileges(),
        "search_the_disk": _search(),
    }
