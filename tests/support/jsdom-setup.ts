import "@testing-library/jest-dom";

// the chat client keeps drafts in localStorage: each test starts from an empty one
afterEach(() => window.localStorage.clear());
