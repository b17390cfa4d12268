import AgentRuntime
import ArgumentParser
import Foundation
import Workflow

/// `agentspanc agents`: the agents deployed on the server.
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agents", abstract: "List the agents deployed on the server.")

    @Flag(name: .long, help: "Print JSON.") var json = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let agents = try await client.runtime.client.agents()
        if json {
            print(try JSONValue.from(agents).jsonText(pretty: true))
            return
        }
        let rows = agents.map { [$0.name, String($0.version ?? 1), $0.description ?? "", Listing.time($0.updateTime ?? $0.createTime)] }
        print(Listing.table(["NAME", "VERSION", "DESCRIPTION", "UPDATED"], rows))
    }
}

/// `agentspanc executions`: recent executions, newest first, to find an id to stream, answer or stop.
struct ExecutionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "executions", abstract: "List recent executions, newest first (to find an id to stream or answer).")

    @Option(name: .long, help: "Only executions of this agent.") var agent: String?
    @Option(name: .long, help: "Only executions in this status: RUNNING, COMPLETED, FAILED, TERMINATED, PAUSED, TIMED_OUT.")
    var status: String?
    @Option(name: .long, help: "How many to show.") var limit = 20
    @Flag(name: .long, help: "Print JSON.") var json = false
    @OptionGroup var client: ClientOptions

    func validate() throws {
        if let status, WorkflowStatus(rawValue: status.uppercased()) == nil {
            throw ValidationError("unknown --status '\(status)'; use RUNNING, COMPLETED, FAILED, TERMINATED, PAUSED or TIMED_OUT")
        }
        if limit < 1 || limit > 1000 { throw ValidationError("--limit must be between 1 and 1000") }
    }

    func run() async throws {
        let search = try await client.runtime.client.executions(
            agentName: agent, status: status.flatMap { WorkflowStatus(rawValue: $0.uppercased()) }, limit: limit)
        if json {
            print(try JSONValue.from(search).jsonText(pretty: true))
            return
        }
        let rows = search.results.map { [$0.executionId, $0.agentName, $0.status, Listing.time($0.startTime)] }
        print(Listing.table(["EXECUTION", "AGENT", "STATUS", "STARTED"], rows))
    }
}

/// Plain-text tables for the listing commands.
enum Listing {
    /// Left-aligned columns two spaces apart; the last column is not padded.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { column in
                column == row.count - 1 ? row[column] : row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// Epoch milliseconds as local `yyyy-MM-dd HH:mm:ss`, or "-".
    static func time(_ milliseconds: Int64?) -> String {
        guard let milliseconds else { return "-" }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
