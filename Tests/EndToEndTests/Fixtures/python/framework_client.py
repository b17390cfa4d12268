"""The agentspan 0.2.0 SDK's run() of framework agents (OpenAI Agents SDK, Google ADK, LangGraph) against an
agentspanc server, one scenario per invocation.

Usage: framework_client.py MODE   (MODE: openai | adk | langgraph-tools | langgraph-passthrough | langgraph-graph
                                   | skill)

Environment: AGENTSPAN_SERVER_URL (the server), AGENTSPAN_AUTO_START_SERVER=false. The models are openai/…, which the
server answers through its OpenAI provider (the local double); the tool functions are served by the SDK's workers.
Prints one JSON line describing what the SDK saw and exits 0; exits 1 with a traceback on any exception.
"""
import json
import multiprocessing
import os
import sys
import time
import warnings

# As in agentspan_client.py: "fork" so conductor-python's worker processes can run the SDK's tool functions.
multiprocessing.set_start_method("fork", force=True)
warnings.filterwarnings("ignore")
os.environ.setdefault("OPENAI_API_KEY", "test")

from agentspan.agents import AgentRuntime  # noqa: E402


def get_weather(city: str) -> dict:
    """Get the current weather for a city."""
    return {"city": city, "temperature": "72F", "served_by_pid": os.getpid()}


def result_record(result):
    return {
        "execution_id": result.execution_id,
        "status": str(getattr(result.status, "value", result.status)),
        "output": result.output,
        "error": result.error,
    }


def openai_agent():
    from agents import Agent, function_tool

    return Agent(name="fw_openai_weather", instructions="Answer weather questions.", model="gpt-4o",
                 tools=[function_tool(get_weather)])


def adk_agent():
    from google.adk.agents import Agent, SequentialAgent

    # A provider-qualified model name: the server's OpenAI provider (the test double) answers it.
    researcher = Agent(name="fw_adk_researcher", model="openai/gpt-4o", instruction="Find the weather.",
                       tools=[get_weather])
    writer = Agent(name="fw_adk_writer", model="openai/gpt-4o", instruction="Write one sentence.")
    return SequentialAgent(name="fw_adk_pipeline", sub_agents=[researcher, writer])


def langgraph_tools_agent():
    from langchain.agents import create_agent
    from langchain_core.tools import tool
    from langchain_openai import ChatOpenAI

    return create_agent(ChatOpenAI(model="gpt-4o"), tools=[tool(get_weather)], system_prompt="Answer weather questions.",
                        name="fw_lg_weather")


def shouting_graph(checkpointer=None):
    from langgraph.graph import END, START, StateGraph
    from typing_extensions import TypedDict

    class State(TypedDict):
        text: str

    def shout(state: State) -> State:
        return {"text": state["text"].upper()}

    def exclaim(state: State) -> State:
        return {"text": state["text"] + "! (pid " + str(os.getpid()) + ")"}

    builder = StateGraph(State)
    builder.add_node("shout", shout)
    builder.add_node("exclaim", exclaim)
    builder.add_edge(START, "shout")
    builder.add_edge("shout", "exclaim")
    builder.add_edge("exclaim", END)
    return builder.compile(name="fw_lg_shouter", checkpointer=checkpointer)


def stream_events(execution_id, wanted, timeout=60):
    """The execution's stream events `(type, content)`, read again until every `wanted` pair is there (the SDK's worker
    pushes them from a background thread, so the last may arrive after the run ended)."""
    import requests

    url = os.environ["AGENTSPAN_SERVER_URL"].rstrip("/") + "/agent/stream/" + execution_id
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        seen = []
        with requests.get(url, stream=True, timeout=30, headers={"Accept": "text/event-stream"}) as response:
            for line in response.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    seen.append([event.get("type"), event.get("content")])
        if all(list(pair) in seen for pair in wanted):
            break
        time.sleep(0.5)
    return seen


def shouting_skill():
    """An agentskills.io skill directory with one script and one reference file."""
    import tempfile

    from agentspan.agents.skill import skill

    root = tempfile.mkdtemp()
    path = os.path.join(root, "shouter")
    os.makedirs(os.path.join(path, "scripts"))
    os.makedirs(os.path.join(path, "references"))
    with open(os.path.join(path, "SKILL.md"), "w") as out:
        out.write("---\nname: shouter\ndescription: Shouts.\n---\nShout the user's words with the shout script.\n")
    with open(os.path.join(path, "scripts", "shout.sh"), "w") as out:
        out.write('echo "$@ from pid $$" | tr a-z A-Z\n')
    with open(os.path.join(path, "references", "style.md"), "w") as out:
        out.write("Loud.\n")
    return skill(path, model="openai/gpt-4o")


def main():
    mode = sys.argv[1]
    report = {"mode": mode, "pid": os.getpid()}
    with AgentRuntime() as runtime:
        if mode == "openai":
            report["result"] = result_record(runtime.run(openai_agent(), "What is the weather in Paris?"))
        elif mode == "adk":
            report["result"] = result_record(runtime.run(adk_agent(), "What is the weather in Paris?"))
        elif mode == "langgraph-tools":
            report["result"] = result_record(runtime.run(langgraph_tools_agent(), "What is the weather in Paris?"))
        elif mode == "langgraph-passthrough":
            from langgraph.checkpoint.memory import MemorySaver

            result = runtime.run(shouting_graph(MemorySaver()), "hello", session_id="s1")
            report["result"] = result_record(result)
            # The SDK's passthrough worker pushes a thinking event per graph node (POST /agent/events/{id}).
            report["events"] = stream_events(result.execution_id, [["thinking", "shout"], ["thinking", "exclaim"]])
        elif mode == "langgraph-graph":
            report["result"] = result_record(runtime.run(shouting_graph(), "hello"))
        elif mode == "skill":
            report["result"] = result_record(runtime.run(shouting_skill(), "hello there"))
        else:
            raise SystemExit("unknown mode " + mode)
    print(json.dumps(report, default=str), flush=True)


if __name__ == "__main__":
    main()
