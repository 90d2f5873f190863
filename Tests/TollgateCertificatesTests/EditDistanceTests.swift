import Testing
import TollgateCertificates

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

    @Test func nearestNamesPutPartsOfANameFirstThenTheClosest() {
        let customers = ["Muster GmbH", "Mustermann AG", "Acme Corp", "Muster GmbH"]
        #expect(NameSuggestion.nearest(to: "mustermann", among: customers) == ["Mustermann AG", "Muster GmbH", "Acme Corp"])
        #expect(NameSuggestion.nearest(to: "Mustr GmbH", among: customers, limit: 2) == ["Muster GmbH", "Mustermann AG"])
        #expect(NameSuggestion.nearest(to: "Nobody AG", among: [String]()) == [])
    }

    @Test func aSlippedIDFindsTheIDMeant() {
        let hashes = ["gpYJPqSqXeuk" + String(repeating: "A", count: 31), "hGJGngA-VXZm" + String(repeating: "B", count: 31)]
        #expect(HashID.hint(for: "gpYJPqSqXeuX", in: hashes) == "; did you mean 'gpYJPqSqXeuk'?")
        #expect(HashID.hint(for: "gpYJ4qS", in: hashes) == "; did you mean 'gpYJPqSqXeuk'?")
        #expect(HashID.hint(for: "zzzzzz", in: hashes) == "")
        #expect(HashID.hint(for: "gpYJ", in: hashes) == "")
    }
}
