import TollgateCrypto

/// RFC 6962 §2.1 transcribed literally (recursive MTH, PATH and SUBPROOF over the leaf data), with
/// its own hashing: the independent yardstick the efficient implementations are measured against.
enum ReferenceMerkle {
    static func hash(_ bytes: [UInt8]) -> [UInt8] { SHA256Digest.hash(bytes) }

    static func split(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }

    static func mth(_ data: ArraySlice<[UInt8]>) -> [UInt8] {
        switch data.count {
        case 0: return hash([])
        case 1: return hash([0x00] + data[data.startIndex])
        default:
            let k = split(data.count)
            let start = data.startIndex
            return hash([0x01] + mth(data[start..<start + k]) + mth(data[(start + k)...]))
        }
    }

    static func path(_ m: Int, _ data: ArraySlice<[UInt8]>) -> [[UInt8]] {
        guard data.count > 1 else { return [] }
        let k = split(data.count)
        let start = data.startIndex
        if m < k {
            return path(m, data[start..<start + k]) + [mth(data[(start + k)...])]
        }
        return path(m - k, data[(start + k)...]) + [mth(data[start..<start + k])]
    }

    static func subproof(_ m: Int, _ data: ArraySlice<[UInt8]>, _ whole: Bool) -> [[UInt8]] {
        let n = data.count
        if m == n { return whole ? [] : [mth(data)] }
        let k = split(n)
        let start = data.startIndex
        if m <= k {
            return subproof(m, data[start..<start + k], whole) + [mth(data[(start + k)...])]
        }
        return subproof(m - k, data[(start + k)...], false) + [mth(data[start..<start + k])]
    }

    static func proof(_ m: Int, _ data: ArraySlice<[UInt8]>) -> [[UInt8]] {
        m == 0 || m == data.count ? [] : subproof(m, data, true)
    }
}

func hex(_ text: String) throws -> [UInt8] {
    try Hex.decode(text)
}
