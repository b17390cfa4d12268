"""A conductor-python 2.0.0 worker for the worker benchmark (`agentspanc-bench worker`).

usage: conductor_python_worker.py SERVER_URL TASK_NAME THREADS MODE
MODE: "function" (the tool is a Python no-op), "spawn" (the tool runs /bin/true, like a command tool) or
"path" (it runs `true`, found in PATH, as users name programs).
"""
import subprocess
import sys

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.configuration import Configuration
from conductor.client.worker.worker_task import worker_task

server, task_name, threads, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

if mode in ("spawn", "path"):
    program = "/bin/true" if mode == "spawn" else "true"

    @worker_task(task_definition_name=task_name, thread_count=threads)
    def tool() -> dict:
        subprocess.run([program], check=True)
        return {"ok": True}
else:
    @worker_task(task_definition_name=task_name, thread_count=threads)
    def tool() -> dict:
        return {"ok": True}

if __name__ == "__main__":
    configuration = Configuration(server_api_url=server.rstrip("/") + "/api")
    with TaskHandler(configuration=configuration, scan_for_annotated_workers=True) as handler:
        handler.start_processes()
        handler.join_processes()
