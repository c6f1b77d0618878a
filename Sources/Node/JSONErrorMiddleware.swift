// Turns the router's own errors (unknown path: 404, wrong method) into the nodes' JSON error answers.
import Hummingbird

struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as HTTPError {
            let message = e.status == .notFound ? "no such endpoint: \(request.method) \(request.uri.path)" : "\(e.status)"
            var h = HTTPFields()
            h[.contentType] = "application/json"
            let body = JSON.object(["error": .string(message)]).bytes + [UInt8(ascii: "\n")]
            return Response(status: e.status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}
