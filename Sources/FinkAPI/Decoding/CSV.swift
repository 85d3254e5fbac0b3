import Foundation

/// An RFC 4180 table as pandas `to_csv` writes it: a header line, fields separated by commas,
/// fields holding commas, quotes or line breaks wrapped in double quotes with `""` for a quote.
struct CSVTable {
    struct Record {
        /// 1-based line where the record starts (the header is line 1).
        var line: Int
        var fields: [String]
    }

    var header: [String]
    var records: [Record]

    init(_ data: Data, source: String) throws(FinkError) {
        var rows: [Record] = []
        var problem: String?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            let n = bytes.count
            var i = 0
            var line = 1
            // A UTF-8 byte-order mark is not part of the first column's name.
            if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
            var fields: [String] = []
            var recordLine = 1
            while i < n {
                // One field.
                if bytes[i] == UInt8(ascii: "\"") {
                    let openedAt = line
                    var value: [UInt8] = []
                    i += 1
                    var closed = false
                    while i < n {
                        let c = bytes[i]
                        if c == UInt8(ascii: "\"") {
                            if i + 1 < n, bytes[i + 1] == UInt8(ascii: "\"") {
                                value.append(c)
                                i += 2
                                continue
                            }
                            i += 1
                            closed = true
                            break
                        }
                        if c == UInt8(ascii: "\n") { line += 1 }
                        value.append(c)
                        i += 1
                    }
                    if !closed {
                        problem = "line \(openedAt): a quoted field is never closed"
                        return
                    }
                    fields.append(String(decoding: value, as: UTF8.self))
                    if i < n, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "\n"), bytes[i] != UInt8(ascii: "\r") {
                        problem = "line \(line): unexpected text after a closing quote"
                        return
                    }
                } else {
                    let start = i
                    while i < n, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "\n"), bytes[i] != UInt8(ascii: "\r") {
                        i += 1
                    }
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
                }
                // What ends the field: a comma (another field follows) or the end of the record.
                if i < n, bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    if i == n { fields.append("") }
                    continue
                }
                if i < n, bytes[i] == UInt8(ascii: "\r") { i += 1 }
                if i < n, bytes[i] == UInt8(ascii: "\n") { i += 1 }
                // A blank line is not a record of one empty field.
                if !(fields.count == 1 && fields[0].isEmpty) {
                    rows.append(Record(line: recordLine, fields: fields))
                }
                fields = []
                line += 1
                recordLine = line
            }
            // The file ended right after a comma.
            if !fields.isEmpty { rows.append(Record(line: recordLine, fields: fields)) }
        }
        if let problem { throw .decoding(source: source, message: problem) }
        guard let first = rows.first else {
            throw .decoding(source: source, message: "the file is empty (expected a CSV header line)")
        }
        header = first.fields
        records = Array(rows.dropFirst())
        for record in records where record.fields.count != header.count {
            throw .decoding(
                source: source,
                message: "line \(record.line) has \(record.fields.count) fields, the header has \(header.count)")
        }
    }
}

/// Python's repr of a 2-D list of floats, as pandas writes array cells in CSV:
/// `[[nan, 1.5, -3.4028234663852886e+38], [...]]`. `nan`, `inf`, `None` are missing pixels.
enum PythonList {
    struct Problem: Error {
        var message: String
    }

    static func parse2D(_ text: String) throws(Problem) -> [[Double?]] {
        let utf8 = Array(text.utf8)
        return try utf8.withUnsafeBufferPointer { (bytes) throws(Problem) -> [[Double?]] in
            var i = 0
            let n = bytes.count
            func skipSpace() {
                while i < n, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
            }
            func expect(_ c: UInt8) throws(Problem) {
                skipSpace()
                guard i < n, bytes[i] == c else {
                    throw Problem(message: "expected '\(Character(UnicodeScalar(c)))' at character \(i) of a Python list")
                }
                i += 1
            }
            func peek(_ c: UInt8) -> Bool {
                skipSpace()
                return i < n && bytes[i] == c
            }
            var rows: [[Double?]] = []
            try expect(UInt8(ascii: "["))
            if peek(UInt8(ascii: "]")) { i += 1; return [] }
            while true {
                var row: [Double?] = []
                try expect(UInt8(ascii: "["))
                if !peek(UInt8(ascii: "]")) {
                    while true {
                        skipSpace()
                        let start = i
                        while i < n, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "]"),
                              bytes[i] != 0x20, bytes[i] != 0x0A
                        {
                            i += 1
                        }
                        let token = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                        switch token {
                        case "nan", "NaN", "-nan", "None", "null", "inf", "-inf", "Infinity", "-Infinity":
                            row.append(nil)
                        default:
                            guard let v = Double(token) else {
                                throw Problem(message: "'\(token.prefix(30))' at character \(start) is not a number")
                            }
                            row.append(v)
                        }
                        if peek(UInt8(ascii: ",")) { i += 1; continue }
                        break
                    }
                }
                try expect(UInt8(ascii: "]"))
                rows.append(row)
                if peek(UInt8(ascii: ",")) { i += 1; continue }
                break
            }
            try expect(UInt8(ascii: "]"))
            skipSpace()
            guard i == n else { throw Problem(message: "unexpected text after the list at character \(i)") }
            return rows
        }
    }
}
