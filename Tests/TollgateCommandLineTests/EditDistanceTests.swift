import Testing
@testable import TollgateCommandLine

@Suite struct EditDistanceTests {
    @Test func countsInsertionsDeletionsAndSubstitutions() {
        #expect(EditDistance.between("activate", "activate") == 0)
        #expect(EditDistance.between("activte", "activate") == 1)
        #expect(EditDistance.between("machin", "machine") == 1)
        #expect(EditDistance.between("", "init") == 4)
        #expect(EditDistance.between("serve", "") == 5)
        #expect(EditDistance.between("kitten", "sitting") == 3)
    }
}
