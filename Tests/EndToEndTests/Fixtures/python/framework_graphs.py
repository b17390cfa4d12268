"""LangGraph StateGraphs beyond a straight line, run by the agentspan 0.2.0 SDK against an agentspanc server: the SDK
sends each graph's structure (`_graph`), the server compiles it node by node, and the SDK's workers run the node,
router, LLM prep/finish and subgraph prep/finish functions.

Usage: framework_graphs.py          (all graphs, one JSON line with a record per run)
       framework_graphs.py capture  (print each graph's serialised {framework, rawConfig, workers}, no server)

Environment: AGENTSPAN_SERVER_URL (the server), AGENTSPAN_AUTO_START_SERVER=false. The LLM node's model is
openai/gpt-4o, which the server answers through its OpenAI provider (the local double).
The node functions and the LLM and subgraph they use are module globals: the SDK finds them in a node's globals.
"""
import json
import multiprocessing
import operator
import os
import sys
import time
import warnings
from typing import Annotated

multiprocessing.set_start_method("fork", force=True)
warnings.filterwarnings("ignore")
os.environ.setdefault("OPENAI_API_KEY", "test")

from langchain_core.messages import HumanMessage, SystemMessage  # noqa: E402
from langchain_openai import ChatOpenAI  # noqa: E402
from langgraph.graph import END, START, StateGraph  # noqa: E402
from typing_extensions import TypedDict  # noqa: E402

from agentspan.agents.frameworks.langgraph import human_task  # noqa: E402


def pid():
    return os.getpid()


# --- conditional edge: a router picks one of two branches, which meet again -----------------------------------------
class Mood(TypedDict, total=False):
    text: str
    mood: str
    reply: str
    workers: list


def classify(state):
    return {"mood": "good" if "good" in state["text"] else "bad", "workers": [pid()]}


def route_mood(state):
    return "cheer" if state["mood"] == "good" else "console"


def cheer(state):
    return {"reply": "Great to hear!"}


def console(state):
    return {"reply": "Sorry to hear that."}


def sign(state):
    return {"reply": state["reply"] + " -- bot", "workers": state["workers"] + [pid()]}


def routing_graph():
    g = StateGraph(Mood)
    g.add_node("classify", classify)
    g.add_node("cheer", cheer)
    g.add_node("console", console)
    g.add_node("sign", sign)
    g.add_edge(START, "classify")
    g.add_conditional_edges("classify", route_mood, {"cheer": "cheer", "console": "console"})
    g.add_edge("cheer", "sign")
    g.add_edge("console", "sign")
    g.add_edge("sign", END)
    return g.compile(name="fw_lg_mood")


# --- fan-out / fan-in: two parallel branches, an operator.add reducer, one node after the join ----------------------
class Research(TypedDict, total=False):
    topic: str
    notes: Annotated[list, operator.add]
    summary: str


def plan(state):
    return {"notes": []}


def history(state):
    return {"notes": ["history of " + state["topic"]]}


def economics(state):
    return {"notes": ["economics of " + state["topic"]]}


def summarise(state):
    return {"summary": " & ".join(sorted(state["notes"]))}


def fanout_graph():
    g = StateGraph(Research)
    g.add_node("plan", plan)
    g.add_node("history", history)
    g.add_node("economics", economics)
    g.add_node("summarise", summarise)
    g.add_edge(START, "plan")
    g.add_edge("plan", "history")
    g.add_edge("plan", "economics")
    g.add_edge("history", "summarise")
    g.add_edge("economics", "summarise")
    g.add_edge("summarise", END)
    return g.compile(name="fw_lg_research")


# --- loops: a conditional edge back to an earlier node, and a branch whose plain edge leads back ---------------------
class Draft(TypedDict, total=False):
    text: str
    rounds: int


def write(state):
    return {"text": state["text"] + "+", "rounds": state.get("rounds", 0) + 1}


def review_draft(state):
    return "again" if state["rounds"] < 3 else "done"


def loop_graph():
    g = StateGraph(Draft)
    g.add_node("write", write)
    g.add_edge(START, "write")
    g.add_conditional_edges("write", review_draft, {"again": "write", "done": END})
    return g.compile(name="fw_lg_rewrite")


def think(state):
    return {"rounds": state.get("rounds", 0) + 1}


def should_act(state):
    return "act" if state["rounds"] < 3 else "stop"


def act(state):
    return {"text": state["text"] + "*"}


def agent_loop_graph():
    g = StateGraph(Draft)
    g.add_node("think", think)
    g.add_node("act", act)
    g.add_edge(START, "think")
    g.add_conditional_edges("think", should_act, {"act": "act", "stop": END})
    g.add_edge("act", "think")
    return g.compile(name="fw_lg_react")


# --- an LLM node: the server makes the model call the node's llm.invoke() asks for ----------------------------------
class Question(TypedDict, total=False):
    question: str
    answer: str


llm = ChatOpenAI(model="gpt-4o")


def ask(state):
    response = llm.invoke([SystemMessage(content="Answer in one word."), HumanMessage(content=state["question"])])
    return {"answer": "model said: " + response.content}


def llm_graph():
    g = StateGraph(Question)
    g.add_node("ask", ask)
    g.add_edge(START, "ask")
    g.add_edge("ask", END)
    return g.compile(name="fw_lg_ask")


# --- a human node: the run waits until someone answers, and the answer joins the state ------------------------------
class Post(TypedDict, total=False):
    text: str
    approved: bool
    note: str
    published: str


def prepare(state):
    return {"text": state["text"].strip()}


@human_task(prompt="Approve the post?")
def approve(state):
    pass


def publish(state):
    verdict = "published" if state.get("approved") else "held"
    return {"published": verdict + ": " + state["text"] + " (" + str(state.get("note")) + ")"}


def human_graph():
    g = StateGraph(Post)
    g.add_node("prepare", prepare)
    g.add_node("approve", approve)
    g.add_node("publish", publish)
    g.add_edge(START, "prepare")
    g.add_edge("prepare", "approve")
    g.add_edge("approve", "publish")
    g.add_edge("publish", END)
    return g.compile(name="fw_lg_post")


# --- a subgraph node: the node's subgraph.invoke() runs as a sub-workflow --------------------------------------------
class Words(TypedDict, total=False):
    text: str


def upper(state):
    return {"text": state["text"].upper()}


def build_inner():
    g = StateGraph(Words)
    g.add_node("upper", upper)
    g.add_edge(START, "upper")
    g.add_edge("upper", END)
    return g.compile(name="inner")


inner_graph = build_inner()


def delegate(state):
    out = inner_graph.invoke({"text": state["text"]})
    return {"text": out["text"] + "?"}


def subgraph_graph():
    g = StateGraph(Words)
    g.add_node("delegate", delegate)
    g.add_edge(START, "delegate")
    g.add_edge("delegate", END)
    return g.compile(name="fw_lg_outer")


# --- map-reduce with Send: one branch per word, their notes collected by the operator.add reducer ------------------
def fan_with_send(state):
    from langgraph.types import Send

    return [Send("history", {"topic": t}) for t in state["topic"].split()]


def send_graph():
    g = StateGraph(Research)
    g.add_node("plan", plan)
    g.add_node("history", history)
    g.add_edge(START, "plan")
    g.add_conditional_edges("plan", fan_with_send, ["history"])
    g.add_edge("history", END)
    return g.compile(name="fw_lg_send")


GRAPHS = {
    "mood": routing_graph, "research": fanout_graph, "rewrite": loop_graph, "react": agent_loop_graph,
    "ask": llm_graph, "post": human_graph, "outer": subgraph_graph, "send": send_graph,
}


def record(result):
    """What the SDK returned, and the tasks the server ran (reference names, in order, sub-workflows' too)."""
    import requests

    server = os.environ["AGENTSPAN_SERVER_URL"].rstrip("/")

    def tasks(execution_id):
        run = requests.get(server + "/workflow/" + execution_id, params={"includeTasks": "true"}, timeout=30).json()
        out = []
        for task in run.get("tasks", []):
            out.append(task.get("referenceTaskName"))
            child = task.get("subWorkflowId") or (task.get("outputData") or {}).get("subWorkflowId")
            if task.get("taskType") == "SUB_WORKFLOW" and child:
                out += ["sub:" + ref for ref in tasks(child)]
        return out

    return {
        "execution_id": result.execution_id,
        "status": str(getattr(result.status, "value", result.status)),
        "output": result.output,
        "error": result.error,
        "tasks": tasks(result.execution_id),
    }


def answer_human(runtime, graph, prompt):
    handle = runtime.start(graph, prompt)
    deadline = time.time() + 120
    while time.time() < deadline:
        status = handle.get_status()
        if status.is_waiting:
            handle.respond({"approved": True, "note": "looks fine"})
            break
        if status.is_complete:
            break
        time.sleep(0.3)
    result = handle.join(timeout=120)
    out = record(result)
    out["waited"] = True
    return out


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "capture":
        from agentspan.agents.frameworks.serializer import detect_framework, serialize_agent

        for name, build in GRAPHS.items():
            graph = build()
            raw, workers = serialize_agent(graph)
            print(json.dumps({"graph": name, "framework": detect_framework(graph), "rawConfig": raw,
                              "workers": sorted(w.name for w in workers)}, sort_keys=True))
        return

    from agentspan.agents import AgentRuntime

    report = {"pid": os.getpid(), "runs": {}}
    with AgentRuntime() as runtime:
        runs = report["runs"]
        runs["mood_good"] = record(runtime.run(routing_graph(), "a good day"))
        runs["mood_bad"] = record(runtime.run(routing_graph(), "a rainy day"))
        runs["research"] = record(runtime.run(fanout_graph(), "tea"))
        runs["rewrite"] = record(runtime.run(loop_graph(), "draft"))
        runs["react"] = record(runtime.run(agent_loop_graph(), "go"))
        runs["ask"] = record(runtime.run(llm_graph(), "What colour is the sky?"))
        runs["outer"] = record(runtime.run(subgraph_graph(), "quiet"))
        runs["send"] = record(runtime.run(send_graph(), "tea coffee"))
        runs["post"] = answer_human(runtime, human_graph(), "  hello world  ")
    print(json.dumps(report, default=str), flush=True)


if __name__ == "__main__":
    main()
