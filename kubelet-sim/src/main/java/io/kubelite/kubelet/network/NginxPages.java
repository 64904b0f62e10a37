package io.kubelite.kubelet.network;

/** The pages the nginx image ships and nginx's built-in error pages, as nginx 1.27 writes them. */
final class NginxPages {
    private NginxPages() {}

    static final String WELCOME = """
            <!DOCTYPE html>
            <html>
            <head>
            <title>Welcome to nginx!</title>
            <style>
            html { color-scheme: light dark; }
            body { width: 35em; margin: 0 auto;
            font-family: Tahoma, Verdana, Arial, sans-serif; }
            </style>
            </head>
            <body>
            <h1>Welcome to nginx!</h1>
            <p>If you see this page, the nginx web server is successfully installed and
            working. Further configuration is required.</p>

            <p>For online documentation and support please refer to
            <a href="http://nginx.org/">nginx.org</a>.<br/>
            Commercial support is available at
            <a href="http://nginx.com/">nginx.com</a>.</p>

            <p><em>Thank you for using nginx.</em></p>
            </body>
            </html>
            """;

    static final String ERROR_50X = """
            <!DOCTYPE html>
            <html>
            <head>
            <title>Error</title>
            <style>
            html { color-scheme: light dark; }
            body { width: 35em; margin: 0 auto;
            font-family: Tahoma, Verdana, Arial, sans-serif; }
            </style>
            </head>
            <body>
            <h1>An error occurred.</h1>
            <p>Sorry, the page you are looking for is currently unavailable.<br/>
            Please try again later.</p>
            <p>If you are the system administrator of this resource then you should check
            the error log for details.</p>
            <p><em>Faithfully yours, nginx.</em></p>
            </body>
            </html>
            """;

    /** nginx's own page for an error status, e.g. {@code 404 Not Found}. */
    static String error(int status) {
        String title = status + " " + HttpResponse.reason(status);
        return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
                + "</h1></center>\r\n<hr><center>" + SimulatedServer.NGINX + "</center>\r\n</body>\r\n</html>\r\n";
    }
}
