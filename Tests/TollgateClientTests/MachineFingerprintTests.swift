import Testing
import TollgateClient
import TollgateCrypto

@Suite struct MachineFingerprintTests {
    static let machineID = "4c4c4544004b4a1080593ec04f4d3432"

    @Test func sameMachineAndProductGiveTheSameFingerprint() throws {
        let files = SystemFileReader.fixed(["/etc/machine-id": Self.machineID + "\n"])
        let first = try MachineFingerprint(product: "cad-pro", files: files)
        let second = try MachineFingerprint(product: "cad-pro", files: .fixed(["/etc/machine-id": Self.machineID]))
        #expect(first == second)
        #expect(try Base64URL.decode(first.value).count == 32)
        // A known answer pins the derivation: changing the prefix or the layout changes every fingerprint.
        let expected = Base64URL.encode(SHA256Digest.hash(Array("tollgate-machine-fingerprint/1\0\(Self.machineID)\0cad-pro".utf8)))
        #expect(first.value == expected)
    }

    @Test func productsAndMachinesGetDifferentFingerprints() throws {
        let files = SystemFileReader.fixed(["/etc/machine-id": Self.machineID])
        let pro = try MachineFingerprint(product: "cad-pro", files: files)
        let lite = try MachineFingerprint(product: "cad-lite", files: files)
        let otherMachine = try MachineFingerprint(product: "cad-pro", files: .fixed(["/etc/machine-id": "ffffffffffffffffffffffffffffffff"]))
        #expect(pro != lite)
        #expect(pro.value != otherMachine.value)
        #expect(!pro.value.contains(Self.machineID))
    }

    @Test func fallsBackToTheDBusMachineID() throws {
        let dbus = try MachineFingerprint(product: "cad-pro", files: .fixed(["/var/lib/dbus/machine-id": Self.machineID]))
        let systemd = try MachineFingerprint(product: "cad-pro", files: .fixed(["/etc/machine-id": Self.machineID]))
        #expect(dbus == systemd)
        // An uninitialised systemd file does not hide the D-Bus copy.
        let both = try MachineFingerprint(product: "cad-pro", files: .fixed(["/etc/machine-id": "uninitialized\n",
                                                                             "/var/lib/dbus/machine-id": Self.machineID]))
        #expect(both == systemd)
    }

    @Test func aMissingMachineIDIsAClearError() throws {
        for files in [SystemFileReader.fixed([:]), .fixed(["/etc/machine-id": "\n", "/var/lib/dbus/machine-id": ""])] {
            let error = #expect(throws: ClientError.self) { try MachineFingerprint(product: "cad-pro", files: files) }
            #expect(error?.code == .machineIDMissing)
            // The wording names both files, so the user knows where the id is looked for.
            #expect(error?.reason.contains("/etc/machine-id") == true)
            #expect(error?.reason.contains("/var/lib/dbus/machine-id") == true)
        }
    }

    @Test func theLiveReaderFingerprintsThisMachineOrSaysWhyNot() throws {
        do throws(ClientError) {
            let first = try MachineFingerprint(product: "cad-pro")
            let second = try MachineFingerprint(product: "cad-pro")
            #expect(first == second)
        } catch {
            // Containers without a machine id get the named error, nothing else.
            #expect(error.code == .machineIDMissing)
        }
    }
}
