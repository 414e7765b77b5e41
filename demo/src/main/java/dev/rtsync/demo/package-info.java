/**
 * The reference system around rtsync: the REST API a team already has (here for projects, tasks
 * and employees), the page that shows them, and a launcher that runs both beside rtsync in one
 * process. Everything here stands for a team's own code; the one line to copy is in
 * {@link dev.rtsync.demo.EntityRepository#inWriteTransaction}.
 */
package dev.rtsync.demo;
