# A git repository with a deterministic commit, for the code-reference calls of the oracle scripts.
# Fixed author, committer, dates and content give the same commit hash on every machine and run.
import os
import subprocess

REMOTE = "https://github.com/alice/mnist.git"


def make_repo(path, dirty=True):
    """Create `path` as a git repository on branch `main` with one commit and an `origin` remote;
    `dirty` leaves an uncommitted change in a tracked file. Returns the absolute path."""
    path = os.path.abspath(path)
    os.makedirs(path)
    env = dict(os.environ, GIT_AUTHOR_NAME="Alice", GIT_AUTHOR_EMAIL="alice@example.com",
               GIT_AUTHOR_DATE="2019-05-01T12:00:00+00:00", GIT_COMMITTER_NAME="Alice",
               GIT_COMMITTER_EMAIL="alice@example.com", GIT_COMMITTER_DATE="2019-05-01T12:00:00+00:00")

    def git(*args):
        subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                       cwd=path, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    git("init", "-q")
    git("symbolic-ref", "HEAD", "refs/heads/main")
    with open(os.path.join(path, "train.py"), "w") as f:
        f.write("print('training')\n")
    git("add", "train.py")
    git("commit", "-q", "-m", "first")
    git("remote", "add", "origin", REMOTE)
    if dirty:
        with open(os.path.join(path, "train.py"), "a") as f:
            f.write("print('changed')\n")
    return path
