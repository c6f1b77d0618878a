import Foundation
import Testing
@testable import S3Client

/// AWS's published example signatures for S3 (the "Examples: Signature Calculations" of the Signature
/// Version 4 documentation for Amazon S3: GET Object, PUT Object, GET Bucket Lifecycle, GET Bucket (list)),
/// with AWS's example key pair, bucket and time. Matching them means the signer is right for real S3.
@Suite struct SigV4Tests {
    let signer = SigV4Signer(credentials: S3Credentials(accessKey: "AKIAIOSFODNN7EXAMPLE",
                                                        secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                             region: "us-east-1")
    let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    let host = ("host", "examplebucket.s3.amazonaws.com")
    let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    private func authorization(_ headers: [(String, String)]) -> String? {
        headers.first { $0.0 == "Authorization" }?.1
    }

    @Test func getObjectWithRange() {
        let headers = signer.sign(method: "GET", path: "/test.txt", query: [], headers: [host, ("Range", "bytes=0-9")],
                                  payloadHash: emptyHash, date: date)
        #expect(authorization(headers) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(headers.contains { $0 == ("x-amz-date", "20130524T000000Z") })
    }

    @Test func putObject() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let payload = SigV4Signer.payloadHash(body)
        #expect(payload == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let path = "/" + S3URIEncoding.encode("test$file.text", keepSlash: true)
        #expect(path == "/test%24file.text")
        let headers = signer.sign(method: "PUT", path: path, query: [],
                                  headers: [host, ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                                            ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
                                  payloadHash: payload, date: date)
        #expect(authorization(headers) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func getBucketLifecycle() {
        let headers = signer.sign(method: "GET", path: "/", query: [("lifecycle", "")], headers: [host],
                                  payloadHash: emptyHash, date: date)
        #expect(authorization(headers)?.hasSuffix("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543") == true)
    }

    @Test func listObjects() {
        // Query parameters are signed sorted by name, whatever order they are given in.
        let headers = signer.sign(method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: [host],
                                  payloadHash: emptyHash, date: date)
        #expect(authorization(headers)?.hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7") == true)
    }

    @Test func aDifferentKeyGivesADifferentSignature() {
        var other = signer
        other.credentials.secretKey += "x"
        let a = signer.sign(method: "GET", path: "/", query: [], headers: [host], payloadHash: emptyHash, date: date)
        let b = other.sign(method: "GET", path: "/", query: [], headers: [host], payloadHash: emptyHash, date: date)
        #expect(authorization(a) != authorization(b))
    }

    @Test func uriEncodingKeepsOnlyUnreservedBytes() {
        #expect(S3URIEncoding.encode("a b/c~d*é+=", keepSlash: true) == "a%20b/c~d%2A%C3%A9%2B%3D")
        #expect(S3URIEncoding.encode("a/b", keepSlash: false) == "a%2Fb")
    }

    @Test func listResultFieldsAndEntities() {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><Contents><Key>a&amp;b&lt;c&#x41;&#66;</Key><ETag>&quot;1&quot;</ETag></Contents>\
        <Contents><Key>z</Key></Contents><IsTruncated>true</IsTruncated><NextContinuationToken>tok</NextContinuationToken></ListBucketResult>
        """
        let page = ListBucketResult(xml: xml)
        #expect(page.keys == ["a&b<cAB", "z"])
        #expect(page.isTruncated)
        #expect(page.nextContinuationToken == "tok")
    }
}
