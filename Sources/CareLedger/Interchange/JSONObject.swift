/// The members of a JSON object, in document order, with unique keys.
///
/// Objects in events are small (a handful of members), so members are kept in two parallel
/// arrays and looked up by a linear scan: cheaper than hashing for the sizes that occur, and it
/// keeps the order in which the members were written, which an export reproduces.
///
/// Keys are compared as Swift strings, that is by Unicode canonical equivalence: `"é"`
/// precomposed and `"e\u{301}"` are the same key. The parser rejects an object in which two
/// keys are equal in this sense (``JSONParseError/Reason/duplicateKey``).
///
/// Iterating yields `(key, value)` pairs in order:
///
/// ```swift
/// for (key, value) in object { … }
/// ```
public struct JSONObject: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// The keys, in order.
    public private(set) var keys: [String]
    /// The values, in the order of ``keys``.
    public private(set) var values: [JSONValue]

    /// Creates an empty object.
    public init() {
        keys = []
        values = []
    }

    /// Creates an object from key–value pairs, in their order.
    ///
    /// - Precondition: the keys are unique (a programmer error otherwise). O(n²) in the number of
    ///   pairs; for the small objects of events that is a few comparisons.
    public init(uniqueKeysWithValues pairs: some Sequence<(String, JSONValue)>) {
        self.init()
        for (key, value) in pairs {
            precondition(index(forKey: key) == nil, "duplicate key in JSONObject(uniqueKeysWithValues:)")
            keys.append(key)
            values.append(value)
        }
    }

    /// Creates an object from a dictionary literal, keeping the literal's order.
    ///
    /// - Precondition: the keys are unique.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(uniqueKeysWithValues: elements)
    }

    /// Creates an object from keys already known to be unique (the parser checks as it goes).
    init(uncheckedKeys keys: [String], values: [JSONValue]) {
        assert(keys.count == values.count)
        self.keys = keys
        self.values = values
    }

    /// The position of the member named `key`, or `nil`. O(number of members).
    public func index(forKey key: String) -> Int? {
        keys.firstIndex(of: key)
    }

    /// The value of the member named `key`, or `nil` when there is none.
    ///
    /// Setting a value replaces the member's value in place (keeping its position) or, for a new
    /// key, appends a member; setting `nil` removes the member. O(number of members).
    public subscript(key: String) -> JSONValue? {
        get { index(forKey: key).map { values[$0] } }
        set {
            switch (index(forKey: key), newValue) {
            case (let index?, let value?): values[index] = value
            case (let index?, nil):
                keys.remove(at: index)
                values.remove(at: index)
            case (nil, let value?):
                keys.append(key)
                values.append(value)
            case (nil, nil): break
            }
        }
    }

    // MARK: RandomAccessCollection

    /// The position of the first member: 0.
    public var startIndex: Int { 0 }
    /// The position after the last member: the number of members.
    public var endIndex: Int { keys.count }

    /// The member at `position`, as a `(key, value)` pair. O(1).
    public subscript(position: Int) -> (key: String, value: JSONValue) {
        (keys[position], values[position])
    }
}
