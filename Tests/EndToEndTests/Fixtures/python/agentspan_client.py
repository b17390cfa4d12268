"""The agentspan 0.2.0 SDK against an agentspanc server, one scenario per invocation.

Usage: agentspan_client.py MODE   (MODE: run | stream | start | approve)

Environment: AGENTSPAN_SERVER_URL (the server), AGENTSPAN_AUTO_START_SERVER=false. The model is openai/gpt-4o, which
the server answers through its OpenAI provider. The `@tool` functions are served by the SDK's own workers.
Prints one JSON line describing what the SDK saw and exits 0; exits 1 with a traceback on any exception.
"""
import json
import multiprocessing
import sys

# conductor-python asks for "spawn", which cannot pickle the SDK's tool workers; choosing "fork" first makes
# its request a no-op (it does not force), so the workers start.
multiprocessing.set_start_method("fork", force=True)

from agentspan.agents import Agent, AgentHandle, AgentRuntime, tool  # noqa: E402


@tool
def get_weather(city: str) -> dict:
    """Get the current weather for a city."""
    return {"city": city, "temperature": "72F", "conditions": "sunny"}


@tool(approval_required=True)
def delete_file(path: str) -> dict:
    """Delete a file (needs a human's approval)."""
    return {"deleted": path}


def weather_agent():
    return Agent(
        name="py_weather_agent", model="openai/gpt-4o", tools=[get_weather],
        instructions="Answer weather questions with the get_weather tool.")


def approval_agent():
    return Agent(
        name="py_cleanup_agent", model="openai/gpt-4o", tools=[delete_file],
        instructions="Delete the files the user asks you to delete.")


def event_record(event):
    return {
        "type": str(getattr(event.type, "value", event.type)),
        "content": event.content,
        "tool_name": event.tool_name,
        "args": event.args,
        "result": event.result,
        "output": event.output,
        "execution_id": event.execution_id,
    }


def result_record(result):
    return {
        "execution_id": result.execution_id,
        "status": str(getattr(result.status, "value", result.status)),
        "output": result.output,
        "tool_calls": result.tool_calls,
        "finish_reason": str(getattr(result.finish_reason, "value", result.finish_reason)),
    }


def run(runtime):
    result = runtime.run(weather_agent(), "What is the weather in Paris?")
    return {"result": result_record(result)}


def stream(runtime):
    agent_stream = runtime.stream(weather_agent(), "What is the weather in Paris?")
    events = [event_record(event) for event in agent_stream]
    return {"events": events, "result": result_record(agent_stream.get_result())}


def start(runtime):
    handle = runtime.start(weather_agent(), "What is the weather in Paris?")
    # A handle built from the id alone, as another process would hold it.
    attached = AgentHandle(execution_id=handle.execution_id, runtime=runtime)
    agent_stream = attached.stream()
    events = [event_record(event) for event in agent_stream]
    status = attached.get_status()
    return {
        "execution_id": handle.execution_id,
        "events": events,
        "status": {"is_complete": status.is_complete, "status": str(status.status), "output": status.output},
    }


def approve(runtime):
    handle = runtime.start(approval_agent(), "Please delete /tmp/report.txt")
    events = []
    waiting_status = None
    for event in handle.stream():
        record = event_record(event)
        events.append(record)
        if record["type"] == "waiting":
            status = handle.get_status()
            waiting_status = {"is_waiting": status.is_waiting, "pending_tool": status.pending_tool}
            handle.approve()
    status = handle.get_status()
    return {
        "execution_id": handle.execution_id,
        "events": events,
        "waiting_status": waiting_status,
        "status": {"is_complete": status.is_complete, "status": str(status.status), "output": status.output},
    }


def main():
    mode = sys.argv[1]
    scenario = {"run": run, "stream": stream, "start": start, "approve": approve}[mode]
    with AgentRuntime() as runtime:
        report = scenario(runtime)
    report["mode"] = mode
    print(json.dumps(report, default=str), flush=True)


if __name__ == "__main__":
    main()
