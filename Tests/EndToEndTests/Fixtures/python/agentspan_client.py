"""The agentspan 0.2.0 SDK against an agentspanc server, one scenario per invocation.

Usage: agentspan_client.py MODE   (MODE: run | stream | start | restart | deploy | sequential
                                  | idempotent | async | controls | approve | reject | nested-approve | media | failing
                                  | messages)

Environment: AGENTSPAN_SERVER_URL (the server), AGENTSPAN_AUTO_START_SERVER=false. The model is openai/gpt-4o, which
the server answers through its OpenAI provider. The `@tool` functions are served by the SDK's own workers.
Prints one JSON line describing what the SDK saw and exits 0; exits 1 with a traceback on any exception.
"""
import json
import multiprocessing
import os
import sys
import time

# conductor-python asks for "spawn", which cannot pickle the SDK's tool workers; choosing "fork" first makes
# its request a no-op (it does not force), so the workers start.
multiprocessing.set_start_method("fork", force=True)

from agentspan.agents import Agent, AgentHandle, AgentRuntime, tool, wait_for_message_tool  # noqa: E402
from agentspan.agents.tool import image_tool, pdf_tool  # noqa: E402


@tool
def get_weather(city: str) -> dict:
    """Get the current weather for a city."""
    # Slow enough that a stream delivered live shows the model's words well before the answer.
    time.sleep(1)
    return {"city": city, "temperature": "72F", "conditions": "sunny"}


@tool(approval_required=True)
def delete_file(path: str) -> dict:
    """Delete a file (needs a human's approval)."""
    return {"deleted": path}


@tool
def lookup_order(order_id: str) -> dict:
    """Look an order up by its id (always fails: its database is down)."""
    raise RuntimeError("order database unreachable")


def weather_agent():
    return Agent(
        name="py_weather_agent", model="openai/gpt-4o", tools=[get_weather],
        instructions="Answer weather questions with the get_weather tool.")


def approval_agent():
    return Agent(
        name="py_cleanup_agent", model="openai/gpt-4o", tools=[delete_file],
        instructions="Delete the files the user asks you to delete.")


def pipeline_agent():
    researcher = Agent(
        name="py_researcher", model="openai/gpt-4o", tools=[get_weather], instructions="Find the weather.")
    writer = Agent(name="py_writer", model="openai/gpt-4o", instructions="Write a one-line report.")
    return Agent(name="py_pipeline", model="openai/gpt-4o", agents=[researcher, writer], strategy="sequential")


def event_record(event):
    return {
        "type": str(getattr(event.type, "value", event.type)),
        "content": event.content,
        "tool_name": event.tool_name,
        "args": event.args,
        "result": event.result,
        "output": event.output,
        "execution_id": event.execution_id,
        "received": time.monotonic(),
    }


def result_record(result):
    return {
        "execution_id": result.execution_id,
        "status": str(getattr(result.status, "value", result.status)),
        "output": result.output,
        "tool_calls": result.tool_calls,
        "finish_reason": str(getattr(result.finish_reason, "value", result.finish_reason)),
        "token_usage": vars(result.token_usage) if result.token_usage else None,
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


def restart(runtime):
    """Like `start`, but signals the test (by creating $AGENTSPANC_MARKER) after the first event, so the test can
    kill and restart the server while the tool runs; the SDK's stream reconnects with Last-Event-ID."""
    handle = runtime.start(weather_agent(), "What is the weather in Paris?")
    events = []
    for event in AgentHandle(execution_id=handle.execution_id, runtime=runtime).stream():
        events.append(event_record(event))
        if len(events) == 1:
            with open(os.environ["AGENTSPANC_MARKER"], "w") as marker:
                marker.write(handle.execution_id)
    status = runtime.get_status(handle.execution_id)
    return {
        "execution_id": handle.execution_id,
        "events": events,
        "status": {"is_complete": status.is_complete, "status": str(status.status), "output": status.output},
    }


def deploy(runtime):
    """plan + deploy, then the deployed agent run by name with its tools served by `serve(blocking=False)`."""
    agent = weather_agent()
    plan = runtime.plan(agent)
    deployed = runtime.deploy(agent)
    runtime.serve(agent, blocking=False)
    result = runtime.run(deployed[0].registered_name, "What is the weather in Paris?")
    return {
        "plan": {"name": plan["workflowDef"]["name"], "requiredWorkers": plan["requiredWorkers"]},
        "deployed": [d.registered_name for d in deployed],
        "result": result_record(result),
    }


def sequential(runtime):
    """A sequential pipeline of two sub-agents: their events reach the parent's stream."""
    agent_stream = runtime.stream(pipeline_agent(), "Weather report for Paris")
    events = [dict(event_record(event), target=event.target) for event in agent_stream]
    return {"events": events, "result": result_record(agent_stream.get_result())}


def idempotent(runtime):
    """Two starts with the same idempotency key name one execution; `join` waits for its result."""
    first = runtime.start(weather_agent(), "What is the weather in Paris?", idempotency_key="weather-once")
    second = runtime.start(weather_agent(), "What is the weather in Paris?", idempotency_key="weather-once")
    result = first.join(timeout=60)
    return {"ids": [first.execution_id, second.execution_id], "result": result_record(result)}


def asynchronous(runtime):
    """`stream_async` (the SDK's httpx SSE reader) and `run_async`."""
    import asyncio

    async def scenario():
        agent_stream = await runtime.stream_async(weather_agent(), "What is the weather in Paris?")
        events = [event_record(event) async for event in agent_stream]
        result = await runtime.run_async(weather_agent(), "What is the weather in Paris?")
        return {"events": events, "result": result_record(result)}

    return asyncio.run(scenario())


def controls(runtime):
    """A run waiting for approval is paused, resumed, signalled, stopped and cancelled through the SDK."""
    handle = runtime.start(approval_agent(), "Please delete /tmp/report.txt")
    seen = {}
    deadline = time.monotonic() + 30
    while not handle.get_status().is_waiting and time.monotonic() < deadline:
        time.sleep(0.1)
    seen["waiting"] = handle.get_status().is_waiting
    handle.pause()
    seen["paused"] = str(handle.get_status().status)
    handle.resume()
    seen["resumed"] = str(handle.get_status().status)
    runtime.signal(handle.execution_id, "the user is in a hurry")
    handle.stop()
    seen["stopped_running"] = handle.get_status().is_running
    handle.cancel("done testing")
    status = handle.get_status()
    seen["cancelled"] = str(status.status)
    seen["reason"] = status.reason
    return {"execution_id": handle.execution_id, "seen": seen}


def decide(runtime, answer):
    """Starts the approval agent, answers its waiting event with `answer(stream)`, and drains the stream."""
    handle = runtime.start(approval_agent(), "Please delete /tmp/report.txt")
    agent_stream = handle.stream()
    events = []
    waiting_status = None
    for event in agent_stream:
        record = event_record(event)
        events.append(record)
        if record["type"] == "waiting":
            status = handle.get_status()
            waiting_status = {"is_waiting": status.is_waiting, "pending_tool": status.pending_tool}
            answer(agent_stream)
    status = handle.get_status()
    result = agent_stream.get_result()
    return {
        "execution_id": handle.execution_id,
        "events": events,
        "waiting_status": waiting_status,
        "status": {"is_complete": status.is_complete, "status": str(status.status), "output": status.output},
        "result": dict(result_record(result), is_rejected=result.is_rejected),
    }


def approve(runtime):
    return decide(runtime, lambda agent_stream: agent_stream.approve())


def nested_approve(runtime):
    """The approval tool belongs to a sub-agent; the SDK approves through the root execution's id."""
    cleaner = Agent(
        name="py_cleaner", model="openai/gpt-4o", tools=[delete_file], instructions="Delete what you are told to.")
    writer = Agent(name="py_reporter", model="openai/gpt-4o", instructions="Report what was done.")
    pipeline = Agent(name="py_cleanup_pipeline", model="openai/gpt-4o", agents=[cleaner, writer], strategy="sequential")
    handle = runtime.start(pipeline, "Please delete /tmp/report.txt")
    events = []
    for event in handle.stream():
        events.append(dict(event_record(event), target=event.target))
        if event.type == "waiting":
            handle.approve()
    return {"execution_id": handle.execution_id, "events": events, "status": str(handle.get_status().status)}


def reject(runtime):
    return decide(runtime, lambda agent_stream: agent_stream.reject("not that file"))


def media(runtime):
    """The SDK's media tools: GENERATE_IMAGE through the OpenAI images API, GENERATE_PDF rendered by the server."""
    artist = Agent(
        name="py_artist", model="openai/gpt-4o", instructions="Draw what you are asked for.",
        tools=[image_tool(name="draw_image", description="Draw an image.", llm_provider="openai", model="dall-e-3")])
    writer = Agent(
        name="py_report_writer", model="openai/gpt-4o", instructions="Write reports as PDFs.", tools=[pdf_tool()])
    return {
        "image": result_record(runtime.run(artist, "Draw a lighthouse.")),
        "pdf": result_record(runtime.run(writer, "Write the report.")),
    }


def failing(runtime):
    """A tool that raises on every attempt: the run must still reach the model again and end with its answer."""
    agent = Agent(
        name="py_order_agent", model="openai/gpt-4o", tools=[lookup_order],
        instructions="Look orders up with lookup_order.")
    return {"result": result_record(runtime.run(agent, "Where is order A-17?"))}


def messages(runtime):
    """An agent with the SDK's wait_for_message_tool, fed by send_message once it waits."""
    listen = wait_for_message_tool(name="wait_for_message", description="Wait until a message is sent to this agent.")
    agent = Agent(
        name="py_listener", model="openai/gpt-4o", tools=[listen], instructions="Wait for a message, then answer it.")
    handle = runtime.start(agent, "Read my inbox")
    deadline = time.monotonic() + 60
    while not handle.get_status().is_waiting:
        if time.monotonic() > deadline:
            raise TimeoutError("the agent never waited for a message")
        time.sleep(0.1)
    runtime.send_message(handle.execution_id, "Lunch moved to 1pm")
    events = [event_record(event) for event in AgentHandle(execution_id=handle.execution_id, runtime=runtime).stream()]
    status = handle.get_status()
    return {"events": events, "status": {"status": str(status.status), "output": status.output}}


def main():
    mode = sys.argv[1]
    scenarios = {
        "run": run, "stream": stream, "start": start, "restart": restart, "deploy": deploy, "sequential": sequential,
        "idempotent": idempotent, "async": asynchronous, "controls": controls, "approve": approve, "reject": reject,
        "nested-approve": nested_approve, "media": media, "failing": failing, "messages": messages,
    }
    scenario = scenarios[mode]
    with AgentRuntime() as runtime:
        report = scenario(runtime)
    report["mode"] = mode
    print(json.dumps(report, default=str), flush=True)


if __name__ == "__main__":
    main()
