/**
 * One contract test per driven port, written once. The in-memory fake and the real adapter each
 * extend it with a factory, so both are held to the very same behaviour.
 */
package dev.rtsync.application.contract;
