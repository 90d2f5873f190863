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

@Suite struct NameSuggestionTests {
    @Test func theClosestNameIsSuggestedOnlyForASlip() {
        #expect(NameSuggestion.closest(to: "perpetaul", among: ["perpetual", "subscription"]) == "perpetual")
        #expect(NameSuggestion.closest(to: "CAD-pr", among: ["cad-pro", "cam"]) == "cad-pro")
        #expect(NameSuggestion.closest(to: "lease", among: ["perpetual", "subscription", "trial"]) == nil)
        #expect(NameSuggestion.hint(for: "rendr", among: ["export", "render"]) == "; did you mean 'render'?")
        #expect(NameSuggestion.hint(for: "xyz", among: ["export", "render"]) == "")
    }
}
