// Request limits shared by the HTTP routes and the objects' socket handlers.
export const SEND_LIMIT = { perMinute: 30 };
