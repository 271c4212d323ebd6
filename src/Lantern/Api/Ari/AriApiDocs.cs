using System.Text.Json;

namespace Lantern.Api.Ari;

/// <summary>Swagger 1.2 documents shaped like Asterisk's <c>rest-api/api-docs</c>, so ARI client libraries can build their API from them.</summary>
/// <remarks>As Asterisk does, <c>basePath</c> is rewritten to the host the client used. Operations carry both the
/// Swagger 1.1 <c>httpMethod</c>/<c>responseClass</c> keys Asterisk uses and the 1.2 <c>method</c>/<c>type</c> keys.</remarks>
internal static class AriApiDocs
{
    private const string BasePathToken = "\"@BASE_PATH@\"";

    private const string ResourcesTemplate = """
        {
          "_copyright": "Lantern; structure compatible with Asterisk ARI api-docs",
          "apiVersion": "1.0.0",
          "swaggerVersion": "1.2",
          "basePath": "@BASE_PATH@",
          "apis": [
            {
              "path": "/api-docs/mailboxes.{format}",
              "description": "Mailboxes resource"
            }
          ]
        }
        """;

    private const string MailboxesTemplate = """
        {
          "_copyright": "Lantern; structure compatible with Asterisk ARI api-docs",
          "apiVersion": "1.0.0",
          "swaggerVersion": "1.2",
          "basePath": "@BASE_PATH@",
          "resourcePath": "/api-docs/mailboxes.{format}",
          "produces": ["application/json"],
          "consumes": ["application/json"],
          "apis": [
            {
              "path": "/mailboxes",
              "description": "Mailboxes",
              "operations": [
                {
                  "httpMethod": "GET",
                  "method": "GET",
                  "summary": "List all mailboxes.",
                  "nickname": "list",
                  "responseClass": "List[Mailbox]",
                  "type": "array",
                  "items": { "$ref": "Mailbox" },
                  "parameters": [],
                  "errorResponses": [],
                  "responseMessages": []
                }
              ]
            },
            {
              "path": "/mailboxes/{mailboxName}",
              "description": "Mailbox state",
              "operations": [
                {
                  "httpMethod": "GET",
                  "method": "GET",
                  "summary": "Retrieve the current state of a mailbox.",
                  "nickname": "get",
                  "responseClass": "Mailbox",
                  "type": "Mailbox",
                  "parameters": [
                    { "name": "mailboxName", "description": "Name of the mailbox", "paramType": "path", "required": true, "allowMultiple": false, "dataType": "string", "type": "string" }
                  ],
                  "errorResponses": [ { "code": 404, "reason": "Mailbox not found" } ],
                  "responseMessages": [ { "code": 404, "message": "Mailbox not found" } ]
                },
                {
                  "httpMethod": "PUT",
                  "method": "PUT",
                  "summary": "Change the state of a mailbox. (Note - implicitly creates the mailbox).",
                  "nickname": "update",
                  "responseClass": "void",
                  "type": "void",
                  "parameters": [
                    { "name": "mailboxName", "description": "Name of the mailbox", "paramType": "path", "required": true, "allowMultiple": false, "dataType": "string", "type": "string" },
                    { "name": "oldMessages", "description": "Count of old messages in the mailbox", "paramType": "query", "required": true, "allowMultiple": false, "dataType": "int", "type": "integer", "format": "int32" },
                    { "name": "newMessages", "description": "Count of new messages in the mailbox", "paramType": "query", "required": true, "allowMultiple": false, "dataType": "int", "type": "integer", "format": "int32" }
                  ],
                  "errorResponses": [
                    { "code": 400, "reason": "Invalid mailbox name or message count" },
                    { "code": 404, "reason": "Mailbox not found" },
                    { "code": 409, "reason": "Mailbox is owned by another source" }
                  ],
                  "responseMessages": [
                    { "code": 400, "message": "Invalid mailbox name or message count" },
                    { "code": 404, "message": "Mailbox not found" },
                    { "code": 409, "message": "Mailbox is owned by another source" }
                  ]
                },
                {
                  "httpMethod": "DELETE",
                  "method": "DELETE",
                  "summary": "Destroy a mailbox.",
                  "nickname": "delete",
                  "responseClass": "void",
                  "type": "void",
                  "parameters": [
                    { "name": "mailboxName", "description": "Name of the mailbox", "paramType": "path", "required": true, "allowMultiple": false, "dataType": "string", "type": "string" }
                  ],
                  "errorResponses": [
                    { "code": 404, "reason": "Mailbox not found" },
                    { "code": 409, "reason": "Mailbox is owned by another source" }
                  ],
                  "responseMessages": [
                    { "code": 404, "message": "Mailbox not found" },
                    { "code": 409, "message": "Mailbox is owned by another source" }
                  ]
                }
              ]
            }
          ],
          "models": {
            "Mailbox": {
              "id": "Mailbox",
              "description": "Represents the state of a mailbox.",
              "required": ["name", "old_messages", "new_messages"],
              "properties": {
                "name": { "required": true, "type": "string", "description": "Name of the mailbox." },
                "old_messages": { "required": true, "type": "int", "description": "Count of old messages in the mailbox." },
                "new_messages": { "required": true, "type": "int", "description": "Count of new messages in the mailbox." }
              }
            }
          }
        }
        """;

    public static IResult Resources(HttpRequest request) => Document(request, ResourcesTemplate);

    public static IResult Mailboxes(HttpRequest request) => Document(request, MailboxesTemplate);

    private static IResult Document(HttpRequest request, string template)
    {
        var basePath = $"{request.Scheme}://{request.Host}{request.PathBase}/ari";
        var encoded = JsonSerializer.Serialize(basePath, ApiJsonContext.Default.String);
        return Results.Text(template.Replace(BasePathToken, encoded, StringComparison.Ordinal), "application/json");
    }
}
