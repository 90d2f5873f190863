/// JSON bodies of the operator API that are not node requests or signed-object files themselves;
/// each is declared in its own file.
public enum APIBodies {}
