/// tcpdump takes a short option's value in the same word (`-c1`, `-s96`, `-ilo`), as
/// getopt does; ArgumentParser does not. Before parsing, `capture`'s arguments have such
/// words split in two (`-c1` → `-c 1`). Only the options that take a value are split, so
/// bundled flags (`-nn`, `-vv`, `-lX`) stay as they are.
enum AttachedOptionValues {
    /// `capture`'s short options that take a value.
    static let valueOptions: Set<Character> = ["c", "s", "B", "i", "w", "f", "Y", "Z", "y", "a", "T", "e", "E", "t"]

    static func split(_ arguments: [String]) -> [String] {
        guard arguments.first == "capture" else { return arguments }
        var result: [String] = ["capture"]
        var index = 1
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if word == "--" {
                result.append(contentsOf: arguments[(index - 1)...])
                break
            }
            let characters = Array(word)
            if characters.count > 2, characters[0] == "-", characters[1] != "-", valueOptions.contains(characters[1]) {
                result.append("-\(characters[1])")
                result.append(String(characters[2...]))
                continue
            }
            result.append(word)
            // The value of an option given separately is never split, even if it starts with '-'.
            if characters.count == 2, characters[0] == "-", valueOptions.contains(characters[1]), index < arguments.count {
                result.append(arguments[index])
                index += 1
            }
        }
        return result
    }
}
