import Ledger

/// Why a projection stopped: the event it could not fold.
public struct ProjectionFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The projection's name.
    public var projection: String
    /// The position of the event it failed on.
    public var position: UInt64
    /// The event's type.
    public var eventType: String
    /// What the projection threw, as text.
    public var reason: String

    /// The projection, position, event type and reason, in words.
    public var description: String {
        "projection \"\(projection)\" failed at position \(position) (\(eventType)): \(reason)"
    }
}

/// Where a projection stands.
public struct ProjectionStatus: Sendable, Hashable {
    /// How a projection is kept current.
    public enum Mode: Sendable, Hashable {
        /// Updated inside each append's transaction: a read after an append sees it.
        case inline
        /// Updated by the engine's runner, following the log's commits.
        case catchUp
    }

    /// The projection's name.
    public var name: String
    /// Its version.
    public var version: UInt32
    /// How it is kept current.
    public var mode: Mode
    /// The last position folded into its current state.
    public var position: UInt64
    /// The position of its last persisted checkpoint.
    public var checkpoint: UInt64
    /// The failure that stopped it, if any.
    public var failure: ProjectionFailure?
}

/// An error of the projection engine.
public enum ProjectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A projection of this name is registered already.
    case duplicateName(String)
    /// The handle belongs to another engine.
    case unknownProjection(String)
    /// The projection stopped at an event; see ``ProjectionEngine/retry(_:)``.
    case failed(ProjectionFailure)

    /// What went wrong, naming the projection.
    public var description: String {
        switch self {
        case .duplicateName(let name): "a projection named \"\(name)\" is registered already"
        case .unknownProjection(let name): "projection \"\(name)\" is not registered with this engine"
        case .failed(let failure): failure.description
        }
    }
}
