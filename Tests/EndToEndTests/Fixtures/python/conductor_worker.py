"""conductor-python 2.0.0 workers for the compatibility test, pointed at an agentspanc server.

Usage: conductor_worker.py SERVER_API_URL WORKFLOW_IDS TIMEOUT_SECONDS   (WORKFLOW_IDS comma-separated)

Runs two workers with conductor-python's TaskHandler (one OS process each, as the library does), waits until every
workflow in WORKFLOW_IDS is terminal (read through conductor-python's WorkflowClient), prints one JSON line per
workflow with its final status, output and tasks, stops the worker processes and exits 0 when all completed
(1 otherwise).
"""
import json
import signal
import sys
import time

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.configuration import Configuration
from conductor.client.orkes_clients import OrkesClients
from conductor.client.worker.worker_task import worker_task


@worker_task(task_definition_name="py_greet", register_task_def=True)
def greet(name: str) -> dict:
    return {"greeting": "Hello, " + name + "!"}


@worker_task(task_definition_name="py_shout")
def shout(text: str, times: int) -> dict:
    return {"shouted": (text.upper() + " ") * times, "length": len(text)}


def summary(workflow):
    return {
        "workflowId": workflow.workflow_id,
        "status": workflow.status,
        "output": workflow.output,
        "tasks": [[t.reference_task_name, t.status, t.worker_id] for t in (workflow.tasks or [])],
    }


def main():
    server_url, ids, timeout = sys.argv[1], sys.argv[2].split(","), float(sys.argv[3])
    configuration = Configuration(server_api_url=server_url)
    handler = TaskHandler(workers=[], configuration=configuration, scan_for_annotated_workers=True)

    def stop(*_):
        handler.stop_processes()
        sys.exit(2)

    signal.signal(signal.SIGTERM, stop)
    handler.start_processes()
    workflows = OrkesClients(configuration).get_workflow_client()
    deadline = time.monotonic() + timeout
    finished = {}
    try:
        while time.monotonic() < deadline and len(finished) < len(ids):
            for workflow_id in ids:
                if workflow_id in finished:
                    continue
                workflow = workflows.get_workflow(workflow_id, include_tasks=True)
                if workflow.status not in ("RUNNING", "PAUSED"):
                    finished[workflow_id] = workflow
            time.sleep(0.1)
    finally:
        handler.stop_processes()
    for workflow_id in ids:
        workflow = finished.get(workflow_id)
        print(json.dumps(summary(workflow) if workflow else {"workflowId": workflow_id, "status": "UNFINISHED"}))
    sys.stdout.flush()
    sys.exit(0 if all(w.status == "COMPLETED" for w in finished.values()) and len(finished) == len(ids) else 1)


if __name__ == "__main__":
    main()
