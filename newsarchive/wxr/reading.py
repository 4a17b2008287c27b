"""Reading a file in a thread of its own while the database is written.

Reading is Python work and writing mostly waits for the database, so the two overlap: the
reader parses while the writer waits for PostgreSQL. (A process of its own for the reader was
measured too: pickling the records costs more than the thread's share of the interpreter.)
At most AHEAD chunks of records wait in between, so memory stays flat; an error found by the
reader is raised in the caller, in file order, and stopping early stops the reader.
"""

import queue
import threading

from newsarchive.wxr.records import read_records

CHUNK = 100
AHEAD = 30


def records_of(file, name, progress):
    """(kind, record) for each record of the file, read in the background."""
    waiting = queue.Queue(maxsize=AHEAD)
    stop = threading.Event()

    def put(message):
        while not stop.is_set():
            try:
                waiting.put(message, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read():
        batch = []
        try:
            for record in read_records(file, name, progress):
                batch.append(record)
                if len(batch) >= CHUNK:
                    if not put(("records", batch)):
                        return
                    batch = []
            if put(("records", batch)):
                put(("done", None))
        except BaseException as error:  # handed over to the caller, in order
            put(("raise", error))

    thread = threading.Thread(target=read, name="wxr-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, payload = waiting.get()
            if kind == "records":
                yield from payload
            elif kind == "raise":
                raise payload
            else:
                return
    finally:
        stop.set()
        thread.join()
