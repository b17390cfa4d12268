"""Captures what the agentspan 0.2.0 SDK sends for framework agents: `{framework, rawConfig, workers}` per file.

Run from this directory: python3 capture.py  (needs agentspan==0.2.0, openai-agents==0.12.2, google-adk==2.13.0,
langgraph==1.2.24, langchain==1.5.2, langchain-openai==1.8.1; see scripts/setup). Each file is the SDK's own
serialize_agent() output, so the Swift tests read exactly what a real SDK sends to the server.
"""
import json
import os
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("OPENAI_API_KEY", "capture-only")

from pydantic import BaseModel

from agentspan.agents.frameworks.serializer import detect_framework, serialize_agent


def get_weather(city: str) -> dict:
    """Current weather for a city."""
    return {"city": city, "temperature": "72F"}


def lookup_invoice(invoice_id: str) -> dict:
    """Find an invoice by its id."""
    return {"invoice_id": invoice_id, "amount": "42.00"}


class Forecast(BaseModel):
    city: str
    summary: str


def openai_agents():
    from agents import Agent, ModelSettings, WebSearchTool, function_tool, input_guardrail, GuardrailFunctionOutput

    weather = function_tool(get_weather)
    invoice = function_tool(lookup_invoice)
    billing = Agent(name="billing", handoff_description="Billing questions", instructions="You handle billing.",
                    model="gpt-4o-mini", tools=[invoice])
    yield "openai_handoff", Agent(
        name="front_desk", instructions="Answer weather questions; hand billing to billing.", model="gpt-4o-mini",
        tools=[weather], handoffs=[billing], model_settings=ModelSettings(temperature=0.2, max_tokens=500))
    yield "openai_tools", Agent(name="weather_desk", instructions="Answer weather questions.", model="gpt-4o",
                                tools=[weather])
    yield "openai_triage", Agent(name="triage", instructions="Hand each question to the right agent.",
                                 model="gpt-4o-mini", handoffs=[billing, Agent(
                                     name="weather", handoff_description="Weather questions",
                                     instructions="Answer weather questions.", model="gpt-4o-mini", tools=[weather])])
    yield "openai_output_type", Agent(
        name="forecaster", instructions="Give a forecast.", model="gpt-4o", output_type=Forecast)
    translator = Agent(name="translator", instructions="Translate to French.", model="gpt-4o-mini")
    yield "openai_agent_tool", Agent(
        name="orchestrator", instructions="Use the translator.", model="openai/gpt-4o-mini",
        tools=[translator.as_tool(tool_name="translate", tool_description="Translate text to French")])
    yield "openai_web_search", Agent(name="searcher", instructions="Search.", tools=[WebSearchTool()])

    @input_guardrail
    def no_secrets(ctx, agent, text):
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=False)

    yield "openai_input_guardrail", Agent(name="guarded", instructions="Be careful.", input_guardrails=[no_secrets])
    yield "openai_top_p", Agent(name="sampler", instructions="Hi.", model_settings=ModelSettings(top_p=0.5))


def adk_agents():
    from google.adk.agents import Agent, LoopAgent, ParallelAgent, SequentialAgent
    from google.adk.tools import google_search
    from google.adk.tools.agent_tool import AgentTool

    researcher = Agent(name="researcher", model="gemini-2.0-flash", instruction="Find the facts.",
                       description="Finds facts", tools=[get_weather], output_key="facts")
    writer = Agent(name="writer", model="gemini-2.0-flash", instruction="Write it up.")
    yield "adk_sequential", SequentialAgent(name="pipeline", sub_agents=[researcher, writer])
    a = Agent(name="east", model="gemini-2.0-flash", instruction="East view.")
    b = Agent(name="west", model="gemini-2.0-flash", instruction="West view.")
    yield "adk_parallel", ParallelAgent(name="panel", sub_agents=[a, b])
    critic = Agent(name="critic", model="gemini-2.0-flash", instruction="Critique.")
    reviser = Agent(name="reviser", model="gemini-2.0-flash", instruction="Revise.")
    yield "adk_loop", LoopAgent(name="refine", sub_agents=[critic, reviser], max_iterations=3)
    yield "adk_loop_unbounded", LoopAgent(name="forever", sub_agents=[
        Agent(name="step", model="gemini-2.0-flash", instruction="Step.")])
    billing = Agent(name="billing", instruction="Billing.", description="Billing questions",
                    disallow_transfer_to_peers=True)
    tech = Agent(name="tech", instruction="Tech.", description="Technical questions")
    yield "adk_coordinator", Agent(
        name="coordinator", model="gemini-2.5-flash", global_instruction="Be polite.",
        instruction="Route the customer.", sub_agents=[billing, tech])
    summarizer = Agent(name="summarizer", model="gemini-2.0-flash", instruction="Summarise.")
    yield "adk_agent_tool", Agent(name="boss", model="gemini-2.0-flash", instruction="Delegate.",
                                  tools=[AgentTool(agent=summarizer), get_weather])
    yield "adk_google_search", Agent(name="googler", model="gemini-2.0-flash", instruction="Search.",
                                     tools=[google_search])


def langgraph_agents():
    from langchain.agents import create_agent
    from langchain_core.tools import tool
    from langchain_openai import ChatOpenAI
    from langgraph.checkpoint.memory import MemorySaver
    from langgraph.graph import END, START, StateGraph
    from typing_extensions import TypedDict

    @tool
    def weather(city: str) -> str:
        """Current weather for a city."""
        return "72F in " + city

    llm = ChatOpenAI(model="gpt-4o-mini")
    yield "langgraph_create_agent", create_agent(llm, tools=[weather], system_prompt="Answer weather questions.",
                                                 name="lg_weather")

    class State(TypedDict):
        text: str

    def shout(state: State) -> State:
        return {"text": state["text"].upper()}

    def exclaim(state: State) -> State:
        return {"text": state["text"] + "!"}

    builder = StateGraph(State)
    builder.add_node("shout", shout)
    builder.add_node("exclaim", exclaim)
    builder.add_edge(START, "shout")
    builder.add_edge("shout", "exclaim")
    builder.add_edge("exclaim", END)
    yield "langgraph_graph", builder.compile(name="lg_shouter")

    def route(state: State) -> str:
        return "exclaim" if state["text"] else "__end__"

    branching = StateGraph(State)
    branching.add_node("shout", shout)
    branching.add_node("exclaim", exclaim)
    branching.add_edge(START, "shout")
    branching.add_conditional_edges("shout", route, {"exclaim": "exclaim", "__end__": END})
    branching.add_edge("exclaim", END)
    yield "langgraph_conditional", branching.compile(name="lg_branching")
    yield "langgraph_passthrough", builder.compile(name="lg_memory", checkpointer=MemorySaver())


def main():
    for group in (openai_agents, adk_agents, langgraph_agents):
        for name, agent in group():
            framework = detect_framework(agent)
            raw, workers = serialize_agent(agent)
            document = {"framework": framework, "rawConfig": raw, "workers": sorted(w.name for w in workers)}
            with open(name + ".json", "w") as out:
                json.dump(document, out, indent=1, sort_keys=True)
                out.write("\n")
            print(name, framework, document["workers"])


if __name__ == "__main__":
    main()
